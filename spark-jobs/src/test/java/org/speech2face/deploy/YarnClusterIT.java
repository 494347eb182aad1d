package org.speech2face.deploy;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.speech2face.testing.Lanes;
import org.speech2face.testing.Tables;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.speech2face.testing.ChildS2f;
import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar on a real YARN with HDFS (both in this JVM, {@link MiniYarnHdfs}), submitted by
 * deploy/submit-yarn.sh in cluster deploy mode as a user would: {@code pipeline --stages} for the ingest stages and
 * face-features in one application, then a tiny {@code train-decoder}, the bundled sample and every output on
 * {@code hdfs://}. While train-decoder trains,
 * the test has the NodeManager kill one executor's container; the run must still succeed, with every example of
 * every epoch fitted once and a report that names the lost executor. Also: what the wrapper does before anything
 * reaches YARN (sizes that no node can hold; commands that start no Spark application).
 */
@Tag("cluster")
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.CONCURRENT)
@Order(2)
@ResourceLock(Lanes.SECOND)
class YarnClusterIT {
    private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOT = "/s2f-it";
    private static final int EPOCHS = 2;
    /**
     * Small containers: 1 GiB heap + 512 MiB off-heap + 1 GiB overhead = 2560 MB, for the AM and each executor; the options
     * of the tests' short-lived JVMs in them ({@link ChildS2f#SHORT_LIVED_JVM}: C1 only, the parallel collector).
     */
    private static final List<String> SIZES = List.of("--executor-memory", "1g", "--executor-cores", "1",
            "--driver-memory", "1g", "--offheap", "512m",
            "--spark-conf", "spark.driver.extraJavaOptions=" + ChildS2f.SHORT_LIVED_JVM,
            "--spark-conf", "spark.executor.extraJavaOptions=" + ChildS2f.SHORT_LIVED_JVM);

    private final Path work = Path.of("target/yarn-it").toAbsolutePath();
    private MiniYarnHdfs cluster;
    private Path sparkHome;
    private Path localConf;
    /** ingest-faces, ingest-audio and face-features: one application, as each would start and warm up its own. */
    private YarnSubmission preprocess;
    private YarnSubmission decoder;
    private String killed;

    @BeforeAll
    void runTheStagesOnYarn() throws Exception {
        Path jar = Path.of(System.getProperty("s2f.shaded.jar", "(s2f.shaded.jar not set)"));
        assertThat(jar).as("the shaded jar, which mvn verify builds in the package phase").exists();
        try (Stream<Path> s = Files.exists(work) ? Files.list(work) : Stream.empty()) {
            for (Path p : s.filter(p -> !p.getFileName().toString().equals("spark-home")).toList()) {
                YarnSparkHome.deleteTree(p);
            }
        }
        YarnSparkHome.deleteTree(MiniYarnHdfs.workDir());
        sparkHome = YarnSparkHome.create(work.resolve("spark-home"));
        cluster = MiniYarnHdfs.start(work, 2);
        FileSystem fs = cluster.fs();
        Path sample = ProjectFiles.ROOT.resolve("samples/avspeech-sample");
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(sample.resolve("videos").toUri()),
                new org.apache.hadoop.fs.Path("/avspeech/videos"));
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(sample.resolve("avspeech.csv").toUri()),
                new org.apache.hadoop.fs.Path("/avspeech/avspeech.csv"));
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(sample.resolve("gender.csv").toUri()),
                new org.apache.hadoop.fs.Path("/avspeech/gender.csv"));
        localConf = Files.writeString(work.resolve("cluster.conf"), String.join("\n",
                "data.root = \"hdfs://" + ROOT + "\"",
                "input { csv = \"hdfs:///avspeech/avspeech.csv\", videos = \"hdfs:///avspeech/videos\" }",
                "gender.labels = \"hdfs:///avspeech/gender.csv\"",
                "model.profile = tiny",
                "vggface.weights = \"random:42\"",
                "ingest.partitions = 2",
                "features.partitions = 2",
                "spark.conf { \"spark.sql.shuffle.partitions\" = \"2\" }",
                "progress.interval-seconds = 5",
                "training { epochs = " + EPOCHS + ", batch-per-worker = 4, averaging-frequency = 1 }", ""));
        fs.mkdirs(new org.apache.hadoop.fs.Path("/s2f"));
        // submit-yarn.sh's default event log folder, which Spark requires to exist (docs/deploy-yarn.md says so).
        fs.mkdirs(new org.apache.hadoop.fs.Path("/spark-events"));
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(localConf.toUri()), new org.apache.hadoop.fs.Path("/s2f/cluster.conf"));

        // One executor for the stages before training (two cores here; every executor JVM loads the natives), two
        // for training, so that one can be lost.
        YarnSubmission first = submit(1, "pipeline", "--stages", "ingest-faces,ingest-audio,face-features");
        preprocess = first.await(STAGE_TIMEOUT);
        decoder = submit(2, "train-decoder");
        killed = killAnExecutorOnceTheFirstEpochIsSaved(decoder);
        decoder.await(STAGE_TIMEOUT);
    }

    @AfterAll
    void stopTheClusters() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private YarnSubmission submit(int executors, String... job) throws IOException {
        List<String> args = new ArrayList<>(List.of("--conf", "hdfs:///s2f/cluster.conf", "--executors",
                Integer.toString(executors)));
        args.addAll(SIZES);
        args.addAll(List.of(job));
        return YarnSubmission.start(cluster, sparkHome, work.resolve("logs"), args);
    }

    /** Waits for epoch 1's checkpoint on HDFS, then has YARN kill the first live executor container. */
    private String killAnExecutorOnceTheFirstEpochIsSaved(YarnSubmission run) throws Exception {
        org.apache.hadoop.fs.Path firstEpoch = new org.apache.hadoop.fs.Path(ROOT + "/models/decoder/default/epoch-0001");
        long deadline = System.nanoTime() + STAGE_TIMEOUT.toNanos();
        while (run.isAlive() && System.nanoTime() < deadline) {
            if (cluster.fs().exists(firstEpoch)) {
                ApplicationReport app = run.application().orElseThrow();
                List<ContainerId> executors = cluster.executorContainers(app);
                if (!executors.isEmpty()) {
                    cluster.kill(executors.get(0));
                    return executors.get(0).toString();
                }
            }
            Thread.sleep(200);
        }
        return null;
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void preprocessWroteFacesAndSpectrogramsOnHdfsWithCountsThatAddUp() throws Exception {
        assertSucceeded(preprocess);
        long csvLines = Files.readAllLines(ProjectFiles.ROOT.resolve("samples/avspeech-sample/avspeech.csv")).stream()
                .filter(l -> !l.isBlank()).count();
        for (String[] stage : List.of(new String[]{"ingest-faces", "faces"}, new String[]{"ingest-audio", "spectrograms"})) {
            JsonNode c = latestReport(stage[1]).get("counts");
            assertThat(c.get("rows_in").asLong()).as(stage[0]).isEqualTo(csvLines);
            assertThat(c.get("written").asLong() + c.get("rejected").asLong() + c.path("unchanged").asLong())
                    .as(stage[0] + ": written + rejected + skipped").isEqualTo(csvLines);
            assertThat(rows(stage[1])).as(stage[1] + " rows on HDFS").isEqualTo(c.get("written").asLong()).isPositive();
            assertThat(latestReport(stage[1]).get("rejects_by_reason").path("missing_file").asLong()).isEqualTo(1);
            assertThat(preprocess.driverLog("stdout")).as("the driver's summary line").contains(stage[0] + ": ");
        }
    }

    /**
     * The executor logs each video it copies from HDFS: the preprocessing application's one executor read each video
     * once, for all its segments and both ingest stages.
     */
    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void theExecutorFetchedEachVideoFromHdfsOnce() throws Exception {
        assertSucceeded(preprocess);
        Pattern copied = Pattern.compile("RemoteFileCache: Copied hdfs://[^/]+/avspeech/videos/(\\S+) \\((\\d+) bytes\\)");
        Map<String, Path> containers = cluster.containerLogs(preprocess.application().orElseThrow());
        Set<String> fetched = new TreeSet<>();
        int executors = 0;
        for (Map.Entry<String, Path> c : containers.entrySet()) {
            if (c.getKey().endsWith("_000001")) {
                continue; // the driver reads no video
            }
            executors++;
            List<String> videos = new ArrayList<>();
            Matcher m = copied.matcher(Files.readString(c.getValue().resolve("stderr")));
            while (m.find()) {
                videos.add(m.group(1));
                assertThat(Long.parseLong(m.group(2))).isEqualTo(
                        Files.size(ProjectFiles.ROOT.resolve("samples/avspeech-sample/videos").resolve(m.group(1))));
            }
            assertThat(videos).as("videos copied by " + c.getKey()).doesNotHaveDuplicates();
            fetched.addAll(videos);
        }
        assertThat(executors).isEqualTo(1);
        try (Stream<Path> s = Files.list(ProjectFiles.ROOT.resolve("samples/avspeech-sample/videos"))) {
            assertThat(fetched).as("every video was read by some executor")
                    .containsExactlyInAnyOrderElementsOf(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void everyApplicationWroteItsEventLogToTheDefaultFolder() throws Exception {
        for (YarnSubmission run : List.of(preprocess, decoder)) {
            String app = run.application().orElseThrow().getApplicationId().toString();
            org.apache.hadoop.fs.FileStatus[] logs = cluster.fs().globStatus(
                    new org.apache.hadoop.fs.Path("/spark-events/" + app + "*"));
            assertThat(logs).as("an event log of %s in hdfs:///spark-events", app).isNotEmpty();
        }
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void faceFeaturesHasOneRowPerFace() throws Exception {
        assertSucceeded(preprocess);
        assertThat(preprocess.driverLog("stdout")).as("the driver's summary lines").contains("pipeline: 3 stages",
                "face-features: ");
        assertThat(rows("face_features")).isEqualTo(rows("faces"))
                .isEqualTo(latestReport("face_features").get("counts").get("written").asLong());
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void trainDecoderOutlivedTheKilledExecutorAndTrainedEveryEpoch() throws Exception {
        assertThat(killed).as("an executor container was killed while train-decoder trained; wrapper output:%n%s",
                decoder.outputTail(40)).isNotNull();
        assertSucceeded(decoder);
        String driver = decoder.driverLog("stderr");
        Matcher launch = Pattern.compile("Launching container " + Pattern.quote(killed) + " on host \\S+ for executor "
                + "with ID (\\d+)").matcher(driver);
        assertThat(launch.find()).as("the driver launched the killed container").isTrue();
        String executor = launch.group(1);
        assertThat(driver).contains("Lost executor " + executor + " ");

        JsonNode report = JSON.readTree(read(ROOT + "/models/decoder/default/_reports/latest.json"));
        JsonNode counts = report.get("counts");
        assertThat(counts.get("epochs_done").asInt()).isEqualTo(EPOCHS);
        assertThat(counts.get("epochs_with_examples_unaccounted").asInt()).as("every epoch fitted each example once")
                .isZero();
        long train = counts.get("train_examples").asLong();
        assertThat(train).isPositive();
        for (JsonNode epoch : report.get("figures").get("examples_per_executor")) {
            long sum = 0;
            for (JsonNode n : epoch.get("examples")) {
                sum += n.asLong();
            }
            assertThat(sum).as("examples fitted in epoch " + epoch.get("epoch")).isEqualTo(train);
        }
        assertThat(report.get("notes").toString()).contains("Executor " + executor + " was lost during train-decoder");
        for (int e = 1; e <= EPOCHS; e++) {
            String dir = String.format("%s/models/decoder/default/epoch-%04d/", ROOT, e);
            assertThat(cluster.fs().getFileStatus(new org.apache.hadoop.fs.Path(dir + "model.zip")).getLen()).isPositive();
            assertThat(JSON.readTree(read(dir + "metadata.json")).get("epoch").asInt()).isEqualTo(e);
        }
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void containersThatNoNodeCanHoldAreRefusedBeforeAnythingIsSubmitted() throws Exception {
        int apps = cluster.applications().size();
        // The wrapper's defaults: 8 GiB executors with 4 GiB off-heap, a 4 GiB driver; the nodes offer 5 GiB.
        YarnSubmission r = YarnSubmission.run(cluster, sparkHome, work.resolve("logs"), Duration.ofMinutes(2),
                "--conf", "hdfs:///s2f/cluster.conf", "ingest-faces");

        assertThat(r.exitCode).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("YARN cannot run this application", "needs 9216 MB", "13312 MB",
                "offers " + MiniYarnHdfs.NODE_MB + " MB").doesNotContain("Exception");
        assertThat(cluster.applications()).as("nothing reached YARN").hasSize(apps);
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void commandsWithoutSparkRunOnThisMachineAndSubmitNothing() throws Exception {
        int apps = cluster.applications().size();
        YarnSubmission show = YarnSubmission.run(cluster, sparkHome, work.resolve("logs"), Duration.ofMinutes(2),
                "--conf", localConf.toString(), "show-config");
        assertThat(show.exitCode).as(show.output()).isZero();
        assertThat(show.output()).contains("hdfs://" + ROOT);

        YarnSubmission remoteConf = YarnSubmission.run(cluster, sparkHome, work.resolve("logs"), Duration.ofMinutes(1),
                "--conf", "hdfs:///s2f/cluster.conf", "describe-models");
        assertThat(remoteConf.exitCode).isEqualTo(2);
        assertThat(remoteConf.output()).contains("'describe-models' runs on this machine", "must be a local file");

        // One voice is drawn without Spark; this one does not exist, which the local driver says in a sentence.
        // Sizes that fit: a folder of voices would start executors on YARN, so generate's request is checked too.
        List<String> args = new ArrayList<>(SIZES);
        args.addAll(List.of("--conf", localConf.toString(), "generate", "--input", "hdfs:///avspeech/no-such-voice.wav",
                "--output", work.resolve("face.png").toString()));
        YarnSubmission generate = YarnSubmission.start(cluster, sparkHome, work.resolve("logs"), args)
                .await(Duration.ofMinutes(2));
        assertThat(generate.exitCode).as(generate.output()).isEqualTo(1);
        assertThat(generate.output()).contains("The voice hdfs:///avspeech/no-such-voice.wav does not exist.");
        assertThat(cluster.applications()).as("nothing reached YARN").hasSize(apps);
    }

    private void assertSucceeded(YarnSubmission run) throws Exception {
        assertThat(run.exitCode).as("submit-yarn.sh %s; its output ends:%n%s", run.job, run.outputTail(60)).isZero();
        ApplicationReport app = run.application().orElseThrow();
        assertThat(app.getFinalApplicationStatus()).as(run.job).isEqualTo(FinalApplicationStatus.SUCCEEDED);
        System.out.printf("%s on YARN: %.0f s (%s)%n", run.job, run.seconds, app.getApplicationId());
    }

    private JsonNode latestReport(String dataset) throws IOException {
        return JSON.readTree(read(ROOT + "/" + dataset + "/_reports/latest.json"));
    }

    private String read(String hdfsPath) throws IOException {
        try (InputStream in = cluster.fs().open(new org.apache.hadoop.fs.Path(hdfsPath))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The one place this test reads a dataset. */
    private long rows(String dataset) throws IOException {
        // Not kept in a field: between two tests a class of the first lane may stop the shared session.
        return Tables.read(SharedSpark.session(), cluster.hdfsUri() + ROOT + "/" + dataset).count();
    }
}
