package org.speech2face.jobs.ingest;

import org.speech2face.testing.Tables;

import org.speech2face.testing.ChildS2f;
import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.testing.TestSpark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.testing.TestSpark.SAMPLE;
import static org.speech2face.testing.TestSpark.config;
import static org.speech2face.testing.TestSpark.sorted;

/**
 * A real kill: the s2f command runs in a child JVM and is killed with SIGKILL in the middle of its rows MERGE; then
 * the job is run again and must equal a clean run, with nothing of the killed MERGE ever visible to readers.
 */
@Tag("slow")
@ExtendWith(SharedSpark.class)
class IngestInterruptionTest {
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() throws IOException {
        spark = SharedSpark.session();
    }


    /** Many distinct segments over the sample clips, so the run lasts long enough to be killed half-way. */
    private Path longCsv() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(SAMPLE.resolve("avspeech.csv"))) {
            String[] f = line.split(",");
            if (f.length != 5) {
                continue;
            }
            for (int k = 0; k < 1; k++) {
                double start = Double.parseDouble(f[1]) + 0.25 * k;
                lines.add(String.join(",", f[0], String.valueOf(start), f[2], f[3], f[4]));
            }
        }
        Path csv = tmp.resolve("long.csv");
        Files.write(csv, lines);
        return csv;
    }

    @Test
    void aRunKilledWhileWritingThenRunAgainEqualsACleanRun() throws Exception {
        Path csv = longCsv();
        Path clean = tmp.resolve("clean");
        Path killed = tmp.resolve("killed");
        S2fConfig cleanCfg = config(clean, csv, SAMPLE.resolve("videos"));
        S2fConfig killedCfg = config(killed, csv, SAMPLE.resolve("videos"));
        new IngestFacesJob().run(new JobContext(spark, cleanCfg, JobContext.newRunId(), false, OptionalLong.empty()));

        Path conf = Files.writeString(tmp.resolve("killed.conf"), "data.root = \"" + killed + "\"\ninput.csv = \"" + csv
                + "\"\ninput.videos = \"" + SAMPLE.resolve("videos") + "\"\nspark.master = \"local[2]\"\n");
        Process child = ChildS2f.start(tmp.resolve("child.log"), "ingest-faces", "--conf", conf.toString()).process();
        // The rejects MERGE commits first; the kill comes while the rows MERGE writes its files into faces/.
        Path faces = killed.resolve("faces");
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (!mergeWriting(faces) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(child.isAlive()).as("the child was still running when the rows MERGE began writing; log: "
                + tmp.resolve("child.log")).isTrue();
        child.destroyForcibly().waitFor();

        assertThat(Tables.read(spark, faces.toString()).count()).as("nothing of the killed MERGE is visible").isZero();
        long standing = Tables.rejects(spark, killed, "ingest-faces").filter("reason_code <> 'missing_file'").count();
        RunReport rerun = new IngestFacesJob().run(
                new JobContext(spark, killedCfg, JobContext.newRunId(), false, OptionalLong.empty()));
        assertThat(rerun.count(KeyedStageJob.Counts.UNCHANGED)).as("the killed run's committed content rejects")
                .isEqualTo(standing);
        assertThat(rerun.count(KeyedStageJob.Counts.WRITTEN)).as("the rerun writes every face of the killed run")
                .isEqualTo(Tables.read(spark, clean.resolve("faces").toString()).count()).isPositive();
        assertThat(sorted(Tables.read(spark, faces.toString()), "clip_id"))
                .isEqualTo(sorted(Tables.read(spark, clean.resolve("faces").toString()), "clip_id"));
        assertThat(sorted(Tables.rejects(spark, killed, "ingest-faces"), "row_or_clip"))
                .isEqualTo(sorted(Tables.rejects(spark, clean, "ingest-faces"), "row_or_clip"));
        try (Stream<Path> left = Files.list(killed.resolve("_staging/ingest-faces"))) {
            assertThat(left).as("only the killed run's staging stays, until it is a day old").hasSize(1);
        }
    }

    /** True once a Parquet file is being written into the table folder (outside its log): a MERGE is under way. */
    private static boolean mergeWriting(Path table) throws IOException {
        if (!Files.isDirectory(table)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(table)) {
            return s.anyMatch(p -> Files.isRegularFile(p) && !p.toString().contains("_delta_log")
                    && p.getFileName().toString().contains(".parquet"));
        } catch (java.io.UncheckedIOException e) {
            return false;
        }
    }
}
