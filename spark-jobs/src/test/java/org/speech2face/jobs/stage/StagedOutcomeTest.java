package org.speech2face.jobs.stage;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.speech2face.contracts.RejectsDataset;
import org.speech2face.testing.SharedSpark;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outcome of a run is the same whether it is tallied on the driver (few rows) or by Spark (many): the same
 * counts, the same rejects, the same samples in the same order. Both are checked against the expected outcome, so
 * one wrong in the same way as the other still fails.
 */
@ExtendWith(SharedSpark.class)
class StagedOutcomeTest {
    private static final String RUN = "run-1";
    static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SharedSpark.session();
    }

    /**
     * Candidates a..f and one parse reject p: a and d written; b rejected twice by a retried task; d also rejected
     * by a failed attempt before it was written; e rejected; c and f (no line) produced nothing.
     */
    @Test
    void theDriverAndSparkTallyTheSameOutcome() throws Exception {
        java.nio.file.Path dir = Files.createTempDirectory("s2f-outcome");
        Path data = new Path(dir.resolve("data").toUri());
        Path taskRejects = new Path(dir.resolve("task-rejects").toUri());
        StructType out = new StructType().add("clip_id", DataTypes.StringType).add("value", DataTypes.IntegerType);
        spark.createDataFrame(List.of(RowFactory.create("a", 1), RowFactory.create("d", 4)), out).write()
                .parquet(data.toString());
        Row b = RowFactory.create("b", "ytb", 3L, "no_face", "Line 3 (b) has no face.", "b,raw", RUN, "9:1");
        spark.createDataFrame(List.of(b, b,
                        RowFactory.create("d", "ytd", 5L, "internal_error", "Line 5 (d) failed once.", "d,raw", RUN, null),
                        RowFactory.create("e", "yte", 6L, "segment_out_of_range", "Line 6 (e) ends late.", "e,raw",
                                RUN, "7:2")),
                RejectsDataset.SCHEMA).coalesce(1).write().json(taskRejects.toString());
        StructType plan = new StructType().add("key", DataTypes.StringType).add("youtube_id", DataTypes.StringType)
                .add("line", DataTypes.LongType).add("raw", DataTypes.StringType)
                .add("reason_code", DataTypes.StringType).add("message", DataTypes.StringType);
        Dataset<Row> parseRejects = spark.createDataFrame(List.of(
                RowFactory.create("p", "ytp", 1L, "p,raw", "unsafe_id", "Line 1 (p) has a bad id.")), plan);
        Dataset<Row> candidates = spark.createDataFrame(List.of(row("a", 2L), row("b", 3L), row("c", 4L),
                row("d", 5L), row("e", 6L), row("f", null)), plan);
        FileSystem fs = data.getFileSystem(spark.sparkContext().hadoopConfiguration());

        StagedOutcome bySpark = StagedOutcome.collect(spark, fs, data, taskRejects, parseRejects, 1, candidates, 6,
                RUN, 0);
        StagedOutcome byDriver = StagedOutcome.collect(spark, fs, data, taskRejects, parseRejects, 1, candidates, 6,
                RUN, KeyedStageJob.DRIVER_TALLY_MAX_ROWS);

        List<String> expectedRejects = List.of(
                "f,ytf,null,internal_error,Row f" + StagedOutcome.LOST + ",f,raw,run-1,null",
                "p,ytp,1,unsafe_id,Line 1 (p) has a bad id.,p,raw,run-1,null",
                "b,ytb,3,no_face,Line 3 (b) has no face.,b,raw,run-1,9:1",
                "c,ytc,4,internal_error,Line 4 (c)" + StagedOutcome.LOST + ",c,raw,run-1,null",
                "e,yte,6,segment_out_of_range,Line 6 (e) ends late.,e,raw,run-1,7:2");
        for (StagedOutcome o : List.of(bySpark, byDriver)) {
            assertThat(o.written()).isEqualTo(2);
            assertThat(o.rejectedTotal()).isEqualTo(5);
            assertThat(o.lost()).isEqualTo(2);
            assertThat(o.byReason()).containsExactly(Map.entry("internal_error", 2L), Map.entry("no_face", 1L),
                    Map.entry("segment_out_of_range", 1L), Map.entry("unsafe_id", 1L));
            assertThat(o.samples(10)).extracting(m -> m.get(RejectsDataset.KEY))
                    .containsExactly("f", "p", "b", "c", "e");
            assertThat(o.rejects().orderBy("line").collectAsList()).extracting(StagedOutcomeTest::csv)
                    .containsExactlyElementsOf(expectedRejects);
            assertThat(o.writtenKeys().collectAsList()).extracting(r -> r.getString(0))
                    .containsExactlyInAnyOrder("a", "d");
            assertThat(o.hasRejects()).isTrue();
            o.release();
        }
    }

    /** A run whose every row was written has no rejects and nothing lost, either way. */
    @Test
    void aCleanRunHasNoRejects() throws Exception {
        java.nio.file.Path dir = Files.createTempDirectory("s2f-outcome-clean");
        Path data = new Path(dir.resolve("data").toUri());
        StructType out = new StructType().add("clip_id", DataTypes.StringType);
        spark.createDataFrame(List.of(RowFactory.create("a")), out).write().parquet(data.toString());
        StructType plan = new StructType().add("key", DataTypes.StringType).add("youtube_id", DataTypes.StringType)
                .add("line", DataTypes.LongType).add("raw", DataTypes.StringType)
                .add("reason_code", DataTypes.StringType).add("message", DataTypes.StringType);
        Dataset<Row> none = spark.createDataFrame(List.of(), plan);
        Dataset<Row> candidates = spark.createDataFrame(List.of(row("a", 2L)), plan);
        FileSystem fs = data.getFileSystem(spark.sparkContext().hadoopConfiguration());
        for (long max : new long[]{0, KeyedStageJob.DRIVER_TALLY_MAX_ROWS}) {
            StagedOutcome o = StagedOutcome.collect(spark, fs, data, new Path(dir.resolve("none").toUri()), none, 0,
                    candidates, 1, RUN, max);
            assertThat(o.written()).as("max %d", max).isEqualTo(1);
            assertThat(o.rejectedTotal()).isZero();
            assertThat(o.lost()).isZero();
            assertThat(o.hasRejects()).isFalse();
            assertThat(o.rejects().count()).isZero();
            o.release();
        }
    }

    private static Row row(String key, Long line) {
        return RowFactory.create(key, "yt" + key, line, key + ",raw", null, null);
    }

    private static String csv(Row r) {
        return java.util.stream.IntStream.range(0, r.size()).mapToObj(i -> String.valueOf(r.get(i)))
                .collect(Collectors.joining(","));
    }
}
