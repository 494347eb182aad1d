package org.speech2face.jobs.stage;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.RejectsDataset;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.testing.SharedSpark;
import org.speech2face.testing.Tables;
import org.speech2face.testing.TestSpark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stage whose processing drops a row without a reject (a bug in its code, or a task that lost it) still accounts
 * for every input row: the dropped one becomes an internal_error reject that names its line, and the counts add up.
 */
@ExtendWith(SharedSpark.class)
class LostRowsTest {
    static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SharedSpark.session();
    }

    /** Three planned rows: a written, b rejected by the task (as a RejectSink would), c silently dropped. */
    static final class DroppingStage extends KeyedStageJob {
        static final StructType OUT = new StructType().add("clip_id", DataTypes.StringType, false)
                .add("value", DataTypes.IntegerType, false);

        @Override
        public String name() {
            return "drop-test";
        }

        @Override
        public String summary() {
            return "writes a, rejects b, drops c";
        }

        @Override
        protected String datasetName() {
            return "drop_test";
        }

        @Override
        protected StructType schema() {
            return OUT;
        }

        @Override
        protected String unit() {
            return "rows";
        }

        @Override
        protected Dataset<Row> plan(JobContext ctx) {
            StructType plan = new StructType().add("key", DataTypes.StringType).add("youtube_id", DataTypes.StringType)
                    .add("line", DataTypes.LongType).add("raw", DataTypes.StringType)
                    .add("reason_code", DataTypes.StringType).add("message", DataTypes.StringType);
            return ctx.spark().createDataFrame(List.of(RowFactory.create("a", "yta", 2L, "a,1", null, null),
                    RowFactory.create("b", "ytb", 3L, "b,2", null, null),
                    RowFactory.create("c", "ytc", 4L, "c,3", null, null)), plan);
        }

        @Override
        protected void process(JobContext ctx, Dataset<Row> candidates, long count, Path data, Path taskRejects,
                               LongAccumulator written, LongAccumulator rejected) throws Exception {
            List<String> keys = candidates.select("key").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
            if (keys.contains("a")) {
                ctx.spark().createDataFrame(List.of(RowFactory.create("a", 1)), OUT).write().options(STAGING)
                        .parquet(data.toString());
            }
            if (keys.contains("b")) {
                Row b = RowFactory.create("b", "ytb", 3L, "no_face", "Line 3 (b) is bad.", "b,2", ctx.runId(), null);
                ctx.spark().createDataFrame(List.of(b), RejectsDataset.SCHEMA).write().json(taskRejects.toString());
            }
        }
    }

    @Test
    void aRowThatProducedNeitherOutputNorARejectIsRecordedAsAnInternalError() throws Exception {
        java.nio.file.Path root = Files.createTempDirectory("s2f-lost");
        RunReport report = TestSpark.run(spark, new DroppingStage(),
                TestSpark.config(root, TestSpark.SAMPLE.resolve("avspeech.csv"), TestSpark.SAMPLE));
        Map<String, Long> counts = report.counts();
        assertThat(counts).containsEntry("rows_in", 3L).containsEntry("written", 1L).containsEntry("rejected", 2L)
                .containsEntry("accounted", 3L);
        assertThat(report.rejectsByReason()).containsExactly(Map.entry("internal_error", 1L), Map.entry("no_face", 1L));
        assertThat(report.notes()).contains("1 row(s) produced neither output nor a reject and were recorded as "
                + "internal_error.");
        List<Row> rejects = Tables.read(spark, root.resolve(DataLayout.REJECTS).toString())
                .filter(col(RejectsDataset.STAGE).equalTo("drop-test")).orderBy(RejectsDataset.KEY).collectAsList();
        assertThat(rejects).extracting(r -> r.getAs(RejectsDataset.KEY) + " " + r.getAs("reason_code") + " "
                + r.getAs("message")).containsExactly("b no_face Line 3 (b) is bad.",
                "c internal_error Line 4 (c) produced neither an output row nor a reject; recorded here so it is "
                        + "not lost.");
        assertThat(Tables.read(spark, root.resolve("drop_test").toString()).collectAsList())
                .extracting(r -> r.getString(0)).containsExactly("a");
        assertThat(lastCommitOfRejects(root)).as("no key of the first run had a reject: an insert-only MERGE")
                .isEqualTo("MERGE matched []");

        // The rerun retries c (internal_error) and drops it again: its reject is replaced, not added.
        RunReport rerun = TestSpark.run(spark, new DroppingStage(),
                TestSpark.config(root, TestSpark.SAMPLE.resolve("avspeech.csv"), TestSpark.SAMPLE));
        assertThat(rerun.counts()).containsEntry("retried", 1L).containsEntry("unchanged", 2L)
                .containsEntry("rejected", 1L);
        assertThat(lastCommitOfRejects(root)).as("c had a reject: a small run replaces it by name")
                .isEqualTo("WRITE where `stage` = 'drop-test' AND `row_or_clip` IN ('c')");
        assertThat(Tables.read(spark, root.resolve(DataLayout.REJECTS).toString())
                .filter(col(RejectsDataset.STAGE).equalTo("drop-test")).collectAsList())
                .extracting(r -> r.getAs(RejectsDataset.KEY) + " " + r.getAs("run_id"))
                .containsExactlyInAnyOrder("b " + rejects.get(0).getAs("run_id"), "c " + rerun.runId());
    }

    /**
     * The rejects table's last commit as Delta's history records it: a MERGE's matched clauses, or a replacing
     * write's predicate.
     */
    private static String lastCommitOfRejects(java.nio.file.Path root) {
        Row last = io.delta.tables.DeltaTable.forPath(spark, root.resolve(DataLayout.REJECTS).toString()).history(1)
                .select("operation", "operationParameters").first();
        scala.collection.Map<String, String> params = last.getAs(1);
        return last.getString(0).equals("MERGE") ? "MERGE matched " + params.apply("matchedPredicates")
                : last.getString(0) + " where " + params.get("predicate").getOrElse(() -> "none");
    }
}
