package org.speech2face.jobs.stage;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.speech2face.contracts.RejectsDataset;
import org.speech2face.jobs.io.DeltaTables;
import org.speech2face.testing.SharedSpark;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replacing commit gives the same table whether it goes through a MERGE (a large run) or a replaceWhere that names
 * the run's keys (a small run tallied on the driver), and the second leaves the other rows' files in place.
 */
@ExtendWith(SharedSpark.class)
class StageCommitTest {
    private static final StructType OUT = new StructType().add("clip_id", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false).add("value", DataTypes.IntegerType, false);
    private static final String QUOTED = "it's\\a";
    static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SharedSpark.session();
    }

    /**
     * The table holds a, b, c and x in one file. The run wrote a anew and a new key with a quote and a backslash,
     * and rejected x: a is replaced, x goes, b and c stay as they were.
     */
    @Test
    void rowsAreReplacedByKeyEitherWay() throws Exception {
        List<String> expected = List.of("a=10", "b=2", "c=3", QUOTED + "=20");
        for (boolean byName : new boolean[]{false, true}) {
            java.nio.file.Path dir = Files.createTempDirectory("s2f-commit");
            Path table = new Path(dir.resolve("rows").toUri());
            DeltaTables.createIfMissing(spark, table, OUT, List.of("split"));
            spark.createDataFrame(List.of(row("a", 1), row("b", 2), row("c", 3), row("x", 4)), OUT).coalesce(1)
                    .write().format("delta").mode("append").save(table.toString());
            Path staged = new Path(dir.resolve("staged").toUri());
            spark.createDataFrame(List.of(row("a", 10), row(QUOTED, 20)), OUT).write().parquet(staged.toString());
            var rejected = spark.createDataFrame(List.of(RowFactory.create("x")),
                    new StructType().add("key", DataTypes.StringType));

            StageCommit.rows(spark, table, OUT, staged, true, rejected, true,
                    byName ? Set.of("a", "x", QUOTED) : null);

            assertThat(values(table)).as(byName ? "by name" : "by MERGE").containsExactlyElementsOf(expected);
            assertThat(lastOperation(table)).isEqualTo(byName ? "WRITE" : "MERGE");
            if (byName) {
                List<AddFile> files = DeltaLog.forTable(spark, table.toString()).update(false, scala.Option.empty(),
                        scala.Option.empty()).allFiles().collectAsList();
                assertThat(files).as("the first file stays, a and x marked deleted in its deletion vector")
                        .anySatisfy(f -> {
                            assertThat(f.numLogicalRecords().get()).isEqualTo(2L);
                            assertThat(f.deletionVector()).isNotNull();
                        });
            }
        }
    }

    /** A run that wrote nothing and rejected x, which had a row: x's row goes, the others stay, either way. */
    @Test
    void aRunWithOnlyRejectsDeletesTheirRowsEitherWay() throws Exception {
        for (boolean byName : new boolean[]{false, true}) {
            java.nio.file.Path dir = Files.createTempDirectory("s2f-commit");
            Path table = new Path(dir.resolve("rows").toUri());
            DeltaTables.createIfMissing(spark, table, OUT, List.of("split"));
            spark.createDataFrame(List.of(row("a", 1), row("x", 4)), OUT).coalesce(1)
                    .write().format("delta").mode("append").save(table.toString());
            var rejected = spark.createDataFrame(List.of(RowFactory.create("x")),
                    new StructType().add("key", DataTypes.StringType));

            StageCommit.rows(spark, table, OUT, new Path(dir.resolve("never-staged").toUri()), false, rejected, true,
                    byName ? Set.of("x") : null);

            assertThat(values(table)).as(byName ? "by name" : "by MERGE").containsExactly("a=1");
            assertThat(lastOperation(table)).isEqualTo(byName ? "WRITE" : "MERGE");
        }
    }

    /**
     * Rejects of stage s: d had one and was written this time, x is rejected again with a new message; stage t's
     * reject of a is another stage's and stays.
     */
    @Test
    void rejectsAreReplacedByStageAndKeyEitherWay() throws Exception {
        for (boolean byName : new boolean[]{false, true}) {
            java.nio.file.Path dir = Files.createTempDirectory("s2f-commit");
            Path table = new Path(dir.resolve("rejects").toUri());
            DeltaTables.createIfMissing(spark, table, RejectsDataset.TABLE_SCHEMA, List.of(RejectsDataset.STAGE));
            spark.createDataFrame(List.of(reject("d", "old", "s"), reject("x", "old", "s"), reject("a", "old", "t")),
                    DeltaTables.nullable(RejectsDataset.TABLE_SCHEMA)).write().format("delta").mode("append")
                    .save(table.toString());
            var written = spark.createDataFrame(List.of(RowFactory.create("d"), RowFactory.create("a")),
                    StagedOutcome.KEY_SCHEMA);
            var staged = spark.createDataFrame(List.of(RowFactory.create("x", null, 7L, "no_face", "new", null,
                    "run-2", null)), DeltaTables.nullable(RejectsDataset.SCHEMA));
            var hadReject = spark.createDataFrame(List.of(RowFactory.create("d"), RowFactory.create("x")),
                    new StructType().add("key", DataTypes.StringType));

            StageCommit.rejects(spark, table, "s", written, staged, hadReject, byName ? Set.of("a", "d", "x") : null);

            Set<String> rows = new TreeSet<>();
            DeltaTables.read(spark, table).collectAsList().forEach(r -> rows.add(
                    r.getAs(RejectsDataset.STAGE) + "/" + r.getAs(RejectsDataset.KEY) + "=" + r.getAs("message")));
            assertThat(rows).as(byName ? "by name" : "by MERGE").containsExactly("s/x=new", "t/a=old");
            assertThat(lastOperation(table)).isEqualTo(byName ? "WRITE" : "MERGE");
        }
    }

    @Test
    void keysAreQuotedAsSparkSqlLiterals() {
        assertThat(StageCommit.literal(QUOTED)).isEqualTo("'it\\'s\\\\a'");
        assertThat(spark.sql("SELECT " + StageCommit.literal(QUOTED)).first().getString(0)).isEqualTo(QUOTED);
    }

    private static Row row(String key, int value) {
        return RowFactory.create(key, "train", value);
    }

    private static Row reject(String key, String message, String stage) {
        return RowFactory.create(key, null, 1L, "no_face", message, null, "run-1", null, stage);
    }

    /** The table's last commit as Delta's history names it: which way the commit went. */
    private static String lastOperation(Path table) {
        return io.delta.tables.DeltaTable.forPath(spark, table.toString()).history(1).select("operation").first()
                .getString(0);
    }

    private static List<String> values(Path table) {
        return DeltaTables.read(spark, table).orderBy("clip_id").collectAsList().stream()
                .map(r -> r.getString(0) + "=" + r.getInt(2)).toList();
    }
}
