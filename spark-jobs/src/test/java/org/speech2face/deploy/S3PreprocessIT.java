package org.speech2face.deploy;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.speech2face.testing.ChildS2f;
import org.speech2face.testing.Lanes;
import org.speech2face.testing.Tables;

import com.amazonaws.services.s3.AmazonS3;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.speech2face.testing.SharedSpark;
import org.speech2face.cli.S2f;
import org.speech2face.jobs.io.DataRootLease;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code s2f preprocess} with its input and its data root on {@code s3a://}, against a real S3 API on loopback
 * (S3Proxy in its own JVM) through hadoop-aws and the AWS SDK bundle at the versions the image adds to Spark. The
 * sample's CSV and videos are uploaded to the bucket; the run reads them, writes both datasets, the rejects and the
 * run reports there, and its Spark event log to the bucket's spark-events/ (as the wrappers set it up). Then two
 * commands start at once, each in its own JVM: one holds the root's writer lease and finds every clip done, the
 * other stops before starting Spark and names it. Nothing is written anywhere else in the bucket.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock(Lanes.SHARED_SPARK)
@Order(Lanes.SESSION_STOPPERS_LAST)
class S3PreprocessIT {
    private static final String BUCKET = "s2f";
    private static final List<String> STAGES = List.of("ingest-faces", "ingest-audio");
    private static final int ROWS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private S3ProxyServer s3;
    private AmazonS3 client;
    private Configuration hadoop;
    private String first;
    private String second;
    private final Map<String, JsonNode> firstReports = new java.util.LinkedHashMap<>();
    private final Map<String, JsonNode> secondReports = new java.util.LinkedHashMap<>();
    private boolean leaseLeftByTheRuns;
    private final int[] raceCodes = new int[2];
    private final long[] racePids = new long[2];
    private final String[] racePrinted = new String[2];
    private int busyCode;
    private String busy;

    @BeforeAll
    void uploadTheSampleAndRunPreprocessTwice() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("target/s3proxy").toAbsolutePath();
        s3 = S3ProxyServer.start(dir, Duration.ofMinutes(1));
        client = s3.client();
        client.createBucket(BUCKET);
        // Spark requires the event log folder to exist; on S3 a folder is a marker key.
        client.putObject(BUCKET, "spark-events/", "");
        hadoop = new Configuration();
        s3.s3aSettings().forEach(hadoop::set);
        java.nio.file.Path sample = ProjectFiles.ROOT.resolve("samples/avspeech-sample");
        try (FileSystem fs = FileSystem.newInstance(URI.create("s3a://" + BUCKET + "/"), hadoop)) {
            fs.copyFromLocalFile(new Path(sample.resolve("avspeech.csv").toUri()), new Path("s3a://s2f/avspeech/avspeech.csv"));
            fs.copyFromLocalFile(new Path(sample.resolve("videos").toUri()), new Path("s3a://s2f/avspeech/videos"));
        }
        SharedSpark.release(); // s2f must start its own session, with the s3a settings of its config
        // As after any earlier test in this JVM: a stopped session stays Spark's "active" one, which must not make
        // s2f keep its own session running (both runs would then share one application and one event log).
        SparkSession.builder().master("local[1]").appName("earlier-test").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate().stop();
        first = preprocess();
        for (String stage : STAGES) {
            firstReports.put(stage, latestReport(stage, first));
        }
        second = raceTwoPreprocessCommands();
        for (String stage : STAGES) {
            secondReports.put(stage, latestReport(stage, second));
        }
        leaseLeftByTheRuns = S3ProxyServer.keys(client, BUCKET).contains("root/" + DataRootLease.FILE);
        // Another command holds the root (its lease renewed just now): this one must stop and name it.
        client.putObject(BUCKET, "root/" + DataRootLease.FILE, JSON.writeValueAsString(new DataRootLease.Holder(
                "20261205-010203-abcdef", "ingest-faces", "other-host", 4711, "2026-12-05T01:02:03Z")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        busyCode = S2f.run(preprocessArgs(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        busy = out.toString(StandardCharsets.UTF_8);
        System.out.printf("preprocess on s3a with another run's lease: exit %d%n%s%n", busyCode, busy);
        client.deleteObject(BUCKET, "root/" + DataRootLease.FILE);
    }

    @AfterAll
    void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    /**
     * Starts two {@code s2f preprocess} commands on the root at once, each in a JVM of its own as two scheduled runs
     * would; waits for both and returns what the one that succeeded printed (the test asserts there is one).
     */
    private String raceTwoPreprocessCommands() throws Exception {
        ChildS2f[] runs = new ChildS2f[2];
        java.nio.file.Path[] logs = new java.nio.file.Path[2];
        for (int i = 0; i < 2; i++) {
            logs[i] = java.nio.file.Path.of("target/s3-race-" + i + ".log").toAbsolutePath();
            runs[i] = ChildS2f.start(logs[i], preprocessArgs());
        }
        for (int i = 0; i < 2; i++) {
            assertThat(runs[i].process().waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).as(runs[i].describe()).isTrue();
            raceCodes[i] = runs[i].process().exitValue();
            racePids[i] = runs[i].process().pid();
            racePrinted[i] = Files.readString(logs[i]);
            System.out.printf("preprocess on s3a, racing command %d (pid %d): exit %d%n%s%n", i, racePids[i], raceCodes[i],
                    runs[i].describe());
        }
        return raceCodes[0] == 0 ? racePrinted[0] : racePrinted[1];
    }

    /** Runs s2f preprocess on {@link #ROWS} CSV rows from and into the bucket; returns what it printed. */
    private String preprocess() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        int code = S2f.run(preprocessArgs(), ps, ps);
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.printf("preprocess on s3a: exit %d after %.1f s%n%s%n", code, (System.nanoTime() - t0) / 1e9, printed);
        assertThat(code).as(printed).isZero();
        return printed;
    }

    private String[] preprocessArgs() {
        List<String> argv = new ArrayList<>(List.of("preprocess", "--limit", String.valueOf(ROWS),
                "--set", "data.root=s3a://" + BUCKET + "/root",
                "--set", "input.csv=s3a://" + BUCKET + "/avspeech/avspeech.csv",
                "--set", "input.videos=s3a://" + BUCKET + "/avspeech/videos",
                "--set", "spark.master=local[2]",
                "--set", "spark.conf.spark.driver.host=127.0.0.1",
                "--set", "spark.conf.spark.driver.bindAddress=127.0.0.1",
                "--set", "spark.conf.spark.ui.enabled=false",
                "--set", "spark.conf.spark.eventLog.enabled=true",
                "--set", "spark.conf.spark.eventLog.compress=true",
                "--set", "spark.conf.spark.eventLog.dir=s3a://" + BUCKET + "/spark-events"));
        for (Map.Entry<String, String> e : s3.s3aSettings().entrySet()) {
            // quoted: fs.s3a.endpoint and fs.s3a.endpoint.region would otherwise nest in HOCON, one hiding the other
            argv.addAll(List.of("--set", "spark.conf.\"spark.hadoop." + e.getKey() + "\"=" + e.getValue()));
        }
        return argv.toArray(String[]::new);
    }

    @Test
    void eachRunHeldTheRootsWriterLeaseAndACommandFindingItHeldStopsAndNamesTheHolder() throws Exception {
        assertThat(leaseLeftByTheRuns).as("the runs released the lease (the second could take it after the first)")
                .isFalse();
        assertThat(busyCode).as(busy).isEqualTo(1);
        assertThat(busy).contains("s2f: The data root is being written by run 20261205-010203-abcdef (ingest-faces on "
                + "other-host, pid 4711").contains("Wait for that run to finish").doesNotContain("Exception");
        for (String stage : STAGES) {
            assertThat(latestReport(stage, second).get("run_id")).as("%s: the refused command wrote nothing", stage)
                    .isEqualTo(secondReports.get(stage).get("run_id"));
        }
    }

    @Test
    void ofTwoCommandsStartedTogetherOneRunsAndTheOtherStopsNamingItBeforeStartingSpark() {
        assertThat(raceCodes).as("one exit 0 and one exit 1:%n%s%n%s", racePrinted[0], racePrinted[1])
                .containsExactlyInAnyOrder(0, 1);
        int loser = raceCodes[0] == 1 ? 0 : 1;
        assertThat(racePrinted[loser]).contains("s2f: The data root is being written by run ")
                .contains("(preprocess on ").contains(", pid " + racePids[1 - loser] + ",")
                .doesNotContain("Exception").doesNotContain("SparkContext");
    }

    @Test
    void bothStagesReadTheirInputAndWroteTheirDatasetsOnS3() throws Exception {
        assertThat(first.lines().filter(l -> l.startsWith("ingest-faces: ") || l.startsWith("ingest-audio: ")))
                .hasSize(2);
        assertThat(firstReports.get("ingest-faces").get("run_id")).isEqualTo(firstReports.get("ingest-audio").get("run_id"));
        assertThat(secondReports.get("ingest-faces").get("run_id")).isNotEqualTo(firstReports.get("ingest-faces").get("run_id"));
        SparkSession spark = session();
        try {
            for (String stage : STAGES) {
                JsonNode report = firstReports.get(stage);
                long in = report.get("counts").get("rows_in").asLong();
                long written = report.get("counts").path("written").asLong();
                long rejected = report.get("counts").path("rejected").asLong();
                assertThat(in).as(stage).isEqualTo(ROWS);
                assertThat(written + rejected).as("%s: written + rejected = rows in", stage).isEqualTo(in);
                assertThat(written).as(stage).isPositive();
                String dataset = stage.equals("ingest-faces") ? "faces" : "spectrograms";
                Dataset<Row> rows = read(spark, "s3a://" + BUCKET + "/root/" + dataset);
                assertThat(rows.select("clip_id").distinct().count()).as("%s rows read back from s3a", dataset)
                        .isEqualTo(written);
                assertThat(rows.count()).as("%s: each clip once, after the two racing commands", dataset)
                        .isEqualTo(written);
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void aSecondRunFindsEveryClipDone() throws Exception {
        for (String stage : STAGES) {
            JsonNode report = secondReports.get(stage);
            assertThat(report.get("counts").path("unchanged").asLong()).as(stage).isEqualTo(ROWS);
            assertThat(report.get("counts").path("written").asLong()).as(stage).isZero();
        }
    }

    @Test
    void theRunsLeftEventLogsAndNothingOutsideTheirFolders() {
        List<String> keys = S3ProxyServer.keys(client, BUCKET);
        assertThat(keys).allMatch(k -> k.startsWith("avspeech/") || k.startsWith("root/") || k.startsWith("spark-events/"));
        assertThat(keys).filteredOn(k -> k.startsWith("spark-events/") && !k.equals("spark-events/"))
                .as("one compressed event log per run").hasSize(2).allMatch(k -> k.endsWith(".zstd"));
        // Staged files are moved or deleted; an emptied staging folder may stay as its marker key.
        assertThat(keys).noneMatch(k -> (k.contains("/_staging/") && !k.endsWith("/")) || k.endsWith(".tmp"));
    }

    /** The stage's latest run report on s3a, which must be the run whose summary line {@code printed} shows. */
    private JsonNode latestReport(String stage, String printed) throws IOException {
        String dataset = stage.equals("ingest-faces") ? "faces" : "spectrograms";
        Path latest = new Path("s3a://" + BUCKET + "/root/" + dataset + "/_reports/latest.json");
        JsonNode report;
        try (FileSystem fs = FileSystem.newInstance(latest.toUri(), hadoop); InputStream in = fs.open(latest)) {
            report = JSON.readTree(in);
        }
        assertThat(report.get("stage").asText()).isEqualTo(stage);
        JsonNode c = report.get("counts");
        // The summary line names each counter with its value; compare the ones both the line and the report have.
        String line = printed.lines().filter(l -> l.startsWith(stage + ": ")).reduce((a, b) -> b).orElse("");
        for (String counter : List.of("rows_in", "unchanged", "to_process", "written", "rejected")) {
            assertThat(c.get(counter)).as("counter %s in %s's report", counter, stage).isNotNull();
            assertThat(line).as("%s's summary line", stage).contains(" " + counter + " " + c.get(counter).asLong() + ",");
        }
        return report;
    }

    private SparkSession session() {
        SparkSession.Builder b = SparkSession.builder().master("local[1]").appName("s3-read-back")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        s3.s3aSettings().forEach((k, v) -> b.config("spark.hadoop." + k, v));
        return b.getOrCreate();
    }

    /** The one place this test reads a dataset (through Delta). */
    private static Dataset<Row> read(SparkSession spark, String path) {
        return Tables.read(spark, path);
    }
}
