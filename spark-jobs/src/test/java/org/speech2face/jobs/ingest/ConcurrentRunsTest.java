package org.speech2face.jobs.ingest;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.speech2face.testing.ChildS2f;
import org.speech2face.testing.Lanes;
import org.speech2face.testing.SharedSpark;
import org.speech2face.testing.Tables;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.testing.TestSpark.SAMPLE;

/**
 * Two s2f processes started at once on one data root, as a schedule and a user's manual run might: both MERGE into
 * the same tables, Delta's conflict detection makes the later commit retry, and every row ends up exactly once.
 */
@Tag("slow")
@ExtendWith(SharedSpark.class)
@Execution(ExecutionMode.CONCURRENT)
@Order(4)
@ResourceLock(Lanes.SECOND)
class ConcurrentRunsTest {
    private static final int LINES = 6;

    @TempDir
    Path tmp;

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void twoRunsAtOnceBothSucceedAndWriteEveryRowOnce() throws Exception {
        Path root = tmp.resolve("root");
        Path conf = Files.writeString(tmp.resolve("s2f.conf"), "data.root = \"" + root + "\"\ninput.csv = \""
                + SAMPLE.resolve("avspeech.csv") + "\"\ninput.videos = \"" + SAMPLE.resolve("videos")
                + "\"\nspark.master = \"local[1]\"\n");
        ChildS2f a = ChildS2f.start(tmp.resolve("a.log"), "ingest-audio", "--conf", conf.toString(), "--limit",
                String.valueOf(LINES));
        ChildS2f b = ChildS2f.start(tmp.resolve("b.log"), "ingest-audio", "--conf", conf.toString(), "--limit",
                String.valueOf(LINES));
        assertThat(a.waitFor()).as(a.describe()).isZero();
        assertThat(b.waitFor()).as(b.describe()).isZero();

        SparkSession spark = SharedSpark.session();
        Dataset<Row> rows = Tables.read(spark, root.resolve("spectrograms").toString());
        Dataset<Row> rejects = Tables.rejects(spark, root, "ingest-audio");
        long written = rows.count();
        assertThat(written).as("rows").isPositive().isEqualTo(rows.select("clip_id").distinct().count());
        assertThat(rejects.count()).as("rejects").isEqualTo(rejects.select("row_or_clip").distinct().count());
        Set<String> keys = new HashSet<>();
        rows.select("clip_id").collectAsList().forEach(r -> keys.add(r.getString(0)));
        for (Row r : rejects.select("row_or_clip").collectAsList()) {
            assertThat(keys.add(r.getString(0))).as("%s is both a row and a reject", r.getString(0)).isTrue();
        }
        assertThat(keys).as("every one of the first %d CSV lines is a row or a reject", LINES).hasSize(LINES);
        // Both runs did every row (neither stopped, neither skipped) and printed their summary lines.
        for (ChildS2f child : List.of(a, b)) {
            assertThat(child.describe()).as("each run planned before the other committed, so both did every row")
                    .contains("ingest-audio: rows_in " + LINES + ", unchanged 0, new " + LINES + ",");
        }
        Set<String> signers = new HashSet<>();
        io.delta.tables.DeltaTable.forPath(spark, root.resolve("spectrograms").toString()).history()
                .filter("operation = 'MERGE'").select("userMetadata").collectAsList()
                .forEach(r -> signers.add(r.getString(0)));
        // The loser's retried MERGE inserts nothing (its keys are there), so whether it leaves a commit is Delta's
        // business; every MERGE there is must be signed by one of the two runs.
        assertThat(signers).isNotEmpty().hasSizeLessThanOrEqualTo(2).allMatch(m -> m.startsWith("s2f ingest-audio run "));

        // Two reruns of the same two rows at once (--only): each replaces them by a predicate naming them, the
        // later commit loses the race and retries, and each row is still there once.
        List<String> redo = rows.select("clip_id").orderBy("clip_id").limit(2).as(Encoders.STRING()).collectAsList();
        ChildS2f c = ChildS2f.start(tmp.resolve("c.log"), "ingest-audio", "--conf", conf.toString(), "--limit",
                String.valueOf(LINES), "--only", String.join(",", redo));
        ChildS2f d = ChildS2f.start(tmp.resolve("d.log"), "ingest-audio", "--conf", conf.toString(), "--limit",
                String.valueOf(LINES), "--only", String.join(",", redo));
        assertThat(c.waitFor()).as(c.describe()).isZero();
        assertThat(d.waitFor()).as(d.describe()).isZero();
        for (ChildS2f child : List.of(c, d)) {
            assertThat(child.describe()).contains("replaced 2,").contains("written 2,");
        }
        Dataset<Row> after = Tables.read(spark, root.resolve("spectrograms").toString());
        assertThat(after.count()).as("rows after both reruns").isEqualTo(written)
                .isEqualTo(after.select("clip_id").distinct().count());
        Set<String> replacers = new HashSet<>();
        io.delta.tables.DeltaTable.forPath(spark, root.resolve("spectrograms").toString()).history()
                .filter("operation = 'WRITE'").select("userMetadata").collectAsList()
                .forEach(r -> replacers.add(r.getString(0)));
        assertThat(replacers).as("both reruns committed their replacement").hasSize(2)
                .doesNotContainAnyElementsOf(signers);
    }
}
