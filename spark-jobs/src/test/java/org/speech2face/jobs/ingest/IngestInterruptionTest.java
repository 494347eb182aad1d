package org.speech2face.jobs.ingest;

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
import java.lang.management.ManagementFactory;
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
 * A real kill: the s2f command runs in a child JVM and is killed with SIGKILL while its tasks write; then the job
 * is run again and must equal a clean run, with nothing of the killed run ever visible to readers.
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
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djavacpp") || a.startsWith("-XX:+Ignore")
                        || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
                .forEach(cmd::add);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.speech2face.cli.S2f", "ingest-faces",
                "--conf", conf.toString()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path staging = killed.resolve("_staging/ingest-faces");
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (!writing(staging) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(child.isAlive()).as("the child was still running when its tasks began writing; log: "
                + tmp.resolve("child.log")).isTrue();
        child.destroyForcibly().waitFor();

        assertThat(TestSpark.files(killed.resolve("faces"))).as("nothing of the killed run is visible").isEmpty();
        RunReport rerun = new IngestFacesJob().run(
                new JobContext(spark, killedCfg, JobContext.newRunId(), false, OptionalLong.empty()));
        assertThat(rerun.count(KeyedStageJob.Counts.SKIPPED_EXISTING)).isZero();
        assertThat(rerun.count(KeyedStageJob.Counts.WRITTEN) + rerun.count(KeyedStageJob.Counts.REJECTED))
                .as("the rerun redoes every row of the killed run").isEqualTo(rerun.count(KeyedStageJob.Counts.ROWS_IN))
                .isPositive();
        for (String ds : List.of("faces", "rejects/stage=ingest-faces")) {
            String key = ds.equals("faces") ? "clip_id" : "row_or_clip";
            assertThat(sorted(spark.read().parquet(killed.resolve(ds).toString()), key))
                    .as(ds).isEqualTo(sorted(spark.read().parquet(clean.resolve(ds).toString()), key));
        }
        try (Stream<Path> left = Files.list(staging)) {
            assertThat(left).isEmpty();
        }
    }

    /** True once a task has opened an output file under a run's staging folder. */
    private static boolean writing(Path staging) throws IOException {
        if (!Files.isDirectory(staging)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(staging)) {
            return s.anyMatch(p -> Files.isRegularFile(p) && (p.toString().contains("_temporary")
                    || p.toString().contains("task-rejects")));
        } catch (java.io.UncheckedIOException e) {
            return false; // a folder vanished while walking: Spark is moving files, look again
        }
    }
}
