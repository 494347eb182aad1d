package org.speech2face.jobs.stage;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.speech2face.contracts.RejectsDataset;
import org.speech2face.jobs.io.DeltaTables;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Commits a keyed stage's run as two Delta commits that replace by key (MERGEs, or for a small run a replacing write
 * that names its keys), rejects first, then rows. Delta has no transaction across two tables, so the order is chosen
 * for what a crash between the two leaves: the rejects commit deletes the old rejects of the keys this run wrote and
 * adds this run's rejects; if the run dies before the rows commit, those written keys have neither a row nor a
 * reject, and the next run does them again. Nothing is lost and nothing is doubled, because both commits replace by
 * key: a retried task, a rerun after a crash, or a second run at the same time that processed the same keys updates
 * the rows rather than adding them.
 */
final class StageCommit {
    private static final String ACTION = "_s2f_action";
    /**
     * A run with at most this many keys, tallied on the driver, replaces them by a predicate that names them; one
     * with more goes through a MERGE, whose join does not grow with a predicate's length.
     */
    static final int REPLACE_BY_NAME_MAX_KEYS = 1_000;

    private StageCommit() {
    }

    /**
     * @param writtenKeys   clip_ids of the rows this run wrote (one column {@code clip_id})
     * @param stagedRejects this run's rejects ({@link RejectsDataset#SCHEMA}), or null when there are none
     * @param hadReject     keys of this run's rows that had a reject before (their old reject goes or is replaced),
     *                      or null when none had: then the MERGE only inserts (one pass over the table instead of
     *                      three), which is every run over new rows, e.g. a daily drop's first run
     * @param runKeys       every key this run wrote or rejected, when the driver knows them (else null)
     */
    static void rejects(SparkSession spark, Path rejectsTable, String stage, Dataset<Row> writtenKeys,
                        Dataset<Row> stagedRejects, Dataset<Row> hadReject, Set<String> runKeys) {
        if (hadReject != null && byName(runKeys)) {
            StructType table = RejectsDataset.TABLE_SCHEMA;
            Dataset<Row> rows = stagedRejects == null ? spark.createDataFrame(List.of(), DeltaTables.nullable(table))
                    : stagedRejects.withColumn(RejectsDataset.STAGE, lit(stage)).select(columns(table));
            DeltaTables.createIfMissing(spark, rejectsTable, table, List.of(RejectsDataset.STAGE));
            replaceByName(spark, rejectsTable, "commit the rejects of " + stage + " to " + rejectsTable,
                    "`" + RejectsDataset.STAGE + "` = " + literal(stage) + " AND ", RejectsDataset.KEY, runKeys, rows);
            return;
        }
        Dataset<Row> source = stagedRejects == null ? null
                : stagedRejects.select(Arrays.stream(RejectsDataset.SCHEMA.fieldNames()).map(f -> col(f))
                        .toArray(Column[]::new)).withColumn(ACTION, lit("upsert"));
        if (hadReject != null) {
            Dataset<Row> deletes = writtenKeys.join(hadReject,
                            writtenKeys.col("clip_id").equalTo(hadReject.col("key")), "left_semi")
                    .select(Arrays.stream(RejectsDataset.SCHEMA.fieldNames())
                            .map(f -> f.equals(RejectsDataset.KEY) ? col("clip_id").as(f)
                                    : lit(null).cast(RejectsDataset.SCHEMA.apply(f).dataType()).as(f))
                            .toArray(Column[]::new))
                    .withColumn(ACTION, lit("delete"));
            source = source == null ? deletes : source.unionByName(deletes);
        }
        if (source == null) {
            return;
        }
        Dataset<Row> src = source.withColumn(RejectsDataset.STAGE, lit(stage));
        DeltaTables.createIfMissing(spark, rejectsTable, RejectsDataset.TABLE_SCHEMA, List.of(RejectsDataset.STAGE));
        DeltaTables.withConflictRetry(spark, rejectsTable, "commit the rejects of " + stage + " to " + rejectsTable,
                () -> merge(spark, rejectsTable, src, col("t." + RejectsDataset.STAGE).equalTo(lit(stage))
                        .and(col("t." + RejectsDataset.KEY).equalTo(col("s." + RejectsDataset.KEY))),
                        RejectsDataset.TABLE_SCHEMA, hadReject != null));
    }

    /**
     * Merges the staged rows into the table by clip_id; {@code rejectedKeys}, when given, are keys this run rejected
     * that had an output row, which goes (under overwrite, or when a row made from other weights is redone).
     * {@code replacing} says whether any key of this run had an output row when it was planned; when none had, the
     * MERGE only inserts. {@code runKeys}, when the driver knows them, are every key this run wrote or rejected.
     */
    static void rows(SparkSession spark, Path table, StructType schema, Path staged, boolean stagedExists,
                     Dataset<Row> rejectedKeys, boolean replacing, Set<String> runKeys) {
        List<String> partitions = Arrays.asList(schema.fieldNames()).contains("split") ? List.of("split") : List.of();
        DeltaTables.createIfMissing(spark, table, schema, partitions);
        Column[] columns = columns(schema);
        if (replacing && byName(runKeys)) {
            // The rows of this run's rejected keys go too: the predicate names them and no new row has them.
            Dataset<Row> rows = stagedExists ? spark.read().schema(schema).parquet(staged.toString()).select(columns)
                    : spark.createDataFrame(List.of(), DeltaTables.nullable(schema));
            replaceByName(spark, table, "commit the rows to " + table, "", "clip_id", runKeys, rows);
            return;
        }
        Dataset<Row> source = stagedExists
                ? spark.read().schema(schema).parquet(staged.toString()).select(columns).withColumn(ACTION, lit("upsert"))
                : null;
        if (rejectedKeys != null) {
            Dataset<Row> deletes = rejectedKeys.select(Arrays.stream(schema.fields())
                            .map(f -> f.name().equals("clip_id") ? col("key").as("clip_id")
                                    : lit(null).cast(f.dataType()).as(f.name()))
                            .toArray(Column[]::new))
                    .withColumn(ACTION, lit("delete"));
            source = source == null ? deletes : source.unionByName(deletes);
        }
        if (source == null) {
            return;
        }
        Dataset<Row> src = source;
        DeltaTables.withConflictRetry(spark, table, "commit the rows to " + table,
                () -> merge(spark, table, src, col("t.clip_id").equalTo(col("s.clip_id")), schema, replacing));
    }

    /**
     * MERGEs {@code src} (rows with an {@link #ACTION} of upsert or delete) into {@code table} on {@code on}. Only
     * when {@code replacing} does it match: without matched clauses Delta runs an insert-only MERGE, one anti-join
     * and no rewrite of target files. It is still by key: a key another run inserted meanwhile is left as that run
     * wrote it.
     */
    private static Void merge(SparkSession spark, Path table, Dataset<Row> src, Column on, StructType schema,
                              boolean replacing) {
        DeltaMergeBuilder merge = DeltaTable.forPath(spark, table.toString()).as("t").merge(src.as("s"), on);
        if (replacing) {
            merge = merge.whenMatched(col("s." + ACTION).equalTo("delete")).delete()
                    .whenMatched().updateExpr(assignments(schema));
        }
        merge.whenNotMatched(col("s." + ACTION).equalTo("upsert")).insertExpr(assignments(schema)).execute();
        return null;
    }

    private static boolean byName(Set<String> runKeys) {
        return runKeys != null && !runKeys.isEmpty() && runKeys.size() <= REPLACE_BY_NAME_MAX_KEYS;
    }

    /**
     * Replaces the rows whose {@code keyColumn} is one of {@code keys} (and that match {@code scope}, a SQL
     * conjunct ending in AND, or empty) with {@code rows}, in one commit: Delta's replaceWhere, which marks the old
     * rows deleted in deletion vectors and appends the new ones. For a few keys this is what a replacing MERGE does
     * without the MERGE's join of the run's rows against the table, about 1.4 s less for a one-row rerun on a cold
     * JVM (docs/benchmarks.md). Delta checks that every new row matches the predicate. A run that commits rows of
     * these keys meanwhile makes this commit lose the race; the retry then replaces them, so a key stays once.
     */
    private static void replaceByName(SparkSession spark, Path table, String what, String scope, String keyColumn,
                                      Set<String> keys, Dataset<Row> rows) {
        StringBuilder predicate = new StringBuilder(scope).append('`').append(keyColumn).append("` IN (");
        String sep = "";
        for (String key : new TreeSet<>(keys)) {
            predicate.append(sep).append(literal(key));
            sep = ", ";
        }
        String replaceWhere = predicate.append(')').toString();
        DeltaTables.withConflictRetry(spark, table, what, () -> {
            rows.write().format("delta").mode("overwrite").option("replaceWhere", replaceWhere).save(table.toString());
            return null;
        });
    }

    /** {@code value} as a Spark SQL string literal (backslash escapes are on, Spark's default). */
    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static Column[] columns(StructType schema) {
        return Arrays.stream(schema.fieldNames()).map(f -> col(f)).toArray(Column[]::new);
    }

    /** Deletes this run's staging folder, and other runs' older than {@code maxAgeMs} (killed runs' leftovers). */
    static List<String> cleanStaging(FileSystem fs, Path stagingRoot, Path own, long maxAgeMs) throws IOException {
        List<String> removed = new java.util.ArrayList<>();
        if (own != null) {
            fs.delete(own, true);
        }
        if (!fs.exists(stagingRoot)) {
            return removed;
        }
        long now = System.currentTimeMillis();
        for (var st : fs.listStatus(stagingRoot)) {
            if (st.isDirectory() && now - st.getModificationTime() > maxAgeMs) {
                fs.delete(st.getPath(), true);
                removed.add(st.getPath().getName());
            }
        }
        return removed;
    }

    private static Map<String, String> assignments(StructType schema) {
        Map<String, String> m = new LinkedHashMap<>();
        for (StructField f : schema.fields()) {
            m.put("`" + f.name() + "`", "s.`" + f.name() + "`");
        }
        return m;
    }
}
