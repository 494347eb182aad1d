package org.speech2face.deploy;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.speech2face.testing.Lanes;
import org.speech2face.testing.Tables;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.speech2face.cli.S2fCommands;
import org.speech2face.jobs.JobTestSupport;
import org.speech2face.notebooks.Notebooks;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline on a real Spark cluster: deploy/standalone/run-pipeline.sh starts a master and two workers on
 * loopback, submits {@code pipeline} (its last stage is {@code export}) from the shaded jar in cluster deploy mode
 * with the data root on Hadoop's local file system ({@code file:}), and stops the cluster. This class then checks what a
 * user would look at: every stage's counts add up, every dataset reads back with the rows its stage reported, the
 * driver and executors ran in worker processes on both workers, no cluster process outlived the script, and the
 * notebooks run headless on the outputs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("cluster")
@ExtendWith(SharedSpark.class)
@Execution(ExecutionMode.CONCURRENT)
@Order(1)
@ResourceLock(Lanes.SECOND)
class StandaloneClusterIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(25);
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path jar;
    private StandaloneClusterRun run;
    /** The failing pipeline's run: started once the main run has ended, while the other tests read its outputs. */
    private CompletableFuture<StandaloneClusterRun> failing;

    @BeforeAll
    void runThePipelineOnACluster() throws Exception {
        jar = Path.of(System.getProperty("s2f.shaded.jar", "(s2f.shaded.jar not set)"));
        assertThat(jar).as("the shaded jar, which mvn verify builds in the package phase").exists();
        Path dir = Path.of("target/e2e").toAbsolutePath();
        // A fresh run, but Spark's jars are kept: start-cluster.sh resolves them again only when versions change.
        deleteTree(dir, Set.of(dir.resolve("standalone/spark"), dir.resolve("standalone/spark-dist-pom.xml")));
        Files.createDirectories(dir);
        // One epoch per trained net: the cluster path is what this test is about (no assertion here depends on how
        // many epochs ran, and the notebooks plot one as well as several), and the suite has a time budget.
        run = new StandaloneClusterRun(ProjectFiles.ROOT, dir).run(jar, TIMEOUT, "--set", "training.epochs=1",
                "--set", "gender.epochs=1");
        System.out.printf("run-pipeline.sh: exit %d after %.0f s; log %s%n", run.exitCode, run.seconds, run.log);
        // The failing run's cluster mostly waits (daemons starting, the submit client polling); it overlaps the
        // notebooks and the dataset checks instead of adding its time to theirs. Its own ports and state folder.
        failing = CompletableFuture.supplyAsync(() -> {
            try {
                Path failingDir = Path.of("target/e2e-failing").toAbsolutePath();
                deleteTree(failingDir, Set.of());
                StandaloneClusterRun f = new StandaloneClusterRun(ProjectFiles.ROOT, failingDir);
                f.reuseSparkJarsOf(run);
                return f.run(jar, Duration.ofMinutes(5), "--set", "no.such.key=1");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, r -> new Thread(r, "failing-pipeline-run").start());
    }

    /** Whatever the tests did, the failing run has ended (and stopped its cluster) before the class ends. */
    @AfterAll
    void awaitTheFailingRun() throws Exception {
        if (failing != null) {
            try {
                failing.get(6, TimeUnit.MINUTES);
            } catch (ExecutionException ignored) {
                // reported by the test that asserts on it
            }
        }
    }

    /** Not kept in a field: between two tests a class of the first lane may stop the shared session. */
    private static SparkSession spark() {
        return SharedSpark.session();
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void theScriptSucceededAndNoClusterProcessOutlivedIt() throws IOException {
        assertThat(run.exitCode).as("run-pipeline.sh's exit code; its output ends:%n%s", run.logTail(80)).isZero();
        assertThat(run.logText()).contains("stopped worker1", "stopped worker2", "stopped master");
        assertThat(run.leftoverProcesses()).isEmpty();
        assertThat(run.state.resolve("cluster.env")).doesNotExist();
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void aStageThatFailsFailsTheScriptWhichStillStopsTheCluster() throws Exception {
        StandaloneClusterRun failing = this.failing.get(6, TimeUnit.MINUTES);

        assertThat(failing.exitCode).as(failing.logTail(80)).isEqualTo(1);
        // submit.sh quotes the end of the failed driver's stderr: s2f's own one-line config error.
        assertThat(failing.logText()).contains(" FAILED; its output is in ", "Unknown config key 'no.such.key'",
                "stopped worker1", "stopped worker2", "stopped master").doesNotContain("run-pipeline.sh: pipeline ");
        assertThat(failing.driverDirs()).as("the failed pipeline's driver").hasSize(1);
        assertThat(failing.leftoverProcesses()).isEmpty();
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void theDriverAndTheExecutorsOfBothWorkersRanTheStages() throws IOException {
        List<Path> drivers = run.driverDirs();
        assertThat(drivers).as("one application: the pipeline, export included").hasSize(1);
        List<String> pipeline = Files.readAllLines(drivers.get(0).resolve("stdout"));
        assertThat(pipeline).as("the pipeline driver's stdout").anyMatch(l -> l.startsWith("pipeline: "))
                .anyMatch(l -> l.startsWith("export: "));
        // Each application folder holds one executor folder per worker that ran executors for it.
        Map<String, Set<String>> workersByApp = new LinkedHashMap<>();
        for (Path app : run.appDirs()) {
            try (Stream<Path> executors = Files.list(app)) {
                if (executors.anyMatch(e -> Files.exists(e.resolve("stderr")))) {
                    workersByApp.computeIfAbsent(app.getFileName().toString(), k -> new TreeSet<>())
                            .add(app.getParent().getFileName().toString());
                }
            }
        }
        assertThat(workersByApp).as("the one application that ran executors").hasSize(1);
        assertThat(workersByApp.values().iterator().next()).as("workers running the pipeline's executors")
                .containsExactly("worker1", "worker2");
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void everyStageReportedCountsThatAddUp() throws IOException {
        Map<String, JsonNode> reports = latestReports();
        List<String> stages = S2fCommands.pipelineStages();
        assertThat(stages).last().isEqualTo("export");
        assertThat(reports.keySet()).containsExactlyInAnyOrderElementsOf(stages);
        assertThat(stages.stream().map(s -> reports.get(s).get("run_id").asText()).distinct())
                .as("one run id for the pipeline's stages").hasSize(1);

        List<String> stdout = Files.readAllLines(run.driverDirs().get(0).resolve("stdout"));
        assertThat(stdout).contains("pipeline: " + stages.size() + " stages, data root file:" + run.dataRoot
                + ", profile tiny");
        for (String stage : stages) {
            JsonNode r = reports.get(stage);
            JsonNode c = r.get("counts");
            assertThat(r.get("dry_run").asBoolean()).as(stage).isFalse();
            assertThat(stdout).as("summary line of " + stage).anyMatch(l -> l.startsWith(stage + ": "));
            if (c.has("rows_in")) {
                long sum = c.path("unchanged").asLong() + c.path("written").asLong() + c.path("rejected").asLong();
                assertThat(sum).as(stage + ": skipped + written + rejected").isEqualTo(c.get("rows_in").asLong());
                assertThat(c.path("accounted").asLong(sum)).as(stage + ": accounted").isEqualTo(sum);
            }
            long byReason = 0;
            for (JsonNode n : r.get("rejects_by_reason")) {
                byReason += n.asLong();
            }
            assertThat(byReason).as(stage + ": rejects by reason").isEqualTo(c.path("rejected").asLong());
            assertThat(Path.of(r.get("output").asText().replaceFirst("^file:", ""))).as(stage + " output").exists();
        }
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void everyDatasetReadsBackWithTheRowsItsStageReported() throws IOException {
        Map<String, JsonNode> reports = latestReports();
        long csvLines = Files.readAllLines(ProjectFiles.ROOT.resolve("samples/avspeech-sample/avspeech.csv")).stream()
                .filter(l -> !l.isBlank()).count();
        long faces = rows("faces");
        long spectrograms = rows("spectrograms");
        assertThat(faces).isEqualTo(written(reports, "ingest-faces")).isPositive();
        assertThat(faces + rejects("ingest-faces")).as("faces + ingest-faces rejects = CSV lines").isEqualTo(csvLines);
        assertThat(spectrograms + rejects("ingest-audio")).as("spectrograms + rejects = CSV lines").isEqualTo(csvLines);
        assertThat(spectrograms).isEqualTo(written(reports, "ingest-audio"));
        assertThat(rows("face_features")).isEqualTo(faces).isEqualTo(written(reports, "face-features"));
        assertThat(rows("gender")).isEqualTo(spectrograms).isEqualTo(written(reports, "predict-gender"));
        assertThat(rows("priors")).isEqualTo(written(reports, "face-prior")).isPositive();
        assertThat(rows("prior_convergence")).isEqualTo(reports.get("face-prior").get("counts").get("convergence_rows").asLong());
        assertThat(run.dataRoot.resolve("models/gender/gender-classifier.zip")).isNotEmptyFile();

        Row face = Tables.read(spark(), dataset("faces")).select("image").first();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(face.getAs(0)));
        assertThat(img.getWidth()).isEqualTo(224);
        assertThat(img.getHeight()).isEqualTo(224);
        Row spec = Tables.read(spark(), dataset("spectrograms")).select("frames", "bins", "spec").first();
        assertThat(spec.getList(2)).hasSize(spec.getInt(0) * spec.getInt(1) * 2);

        // Whatever later stages write (models, reports): every Parquet file under the data root belongs to a Delta
        // table, and every table reads.
        List<Path> tables = deltaTables();
        assertThat(tables).isNotEmpty();
        for (Path dir : tables) {
            assertThat(Tables.read(spark(), dir.toString()).count()).as(dir.toString()).isNotNegative();
        }
        try (Stream<Path> s = Files.walk(run.dataRoot)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .filter(p -> !p.toString().contains("/_staging/")))
                    .as("Parquet files outside a Delta table").allMatch(p -> tables.stream().anyMatch(p::startsWith));
        }
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void theExportHoldsTheFirstClipsForTheNotebooks() throws IOException {
        JsonNode c = latestReports().get("export").get("counts");
        Path exports = run.dataRoot.resolve("exports");
        assertThat(Files.readAllLines(exports.resolve("samples.csv"))).hasSize(1 + c.get("clips").asInt());
        assertThat(c.get("clips").asInt()).isEqualTo(16);
        try (Stream<Path> png = Files.list(exports.resolve("faces")); Stream<Path> npy = Files.list(exports.resolve("spectrograms"))) {
            assertThat(png.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(c.get("faces_written").asLong());
            assertThat(npy.filter(p -> p.toString().endsWith(".npy")).count()).isEqualTo(c.get("spectrograms_written").asLong());
        }
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void theNotebooksRunHeadlessOnTheClusterRunsOutputs() throws Exception {
        Map<String, JsonNode> nbs = Notebooks.execute(run.dataRoot, run.dataRoot.getParent().resolve("notebooks"));

        assertThat(nbs).hasSize(4);
        nbs.forEach((name, nb) -> assertThat(Notebooks.errors(nb)).as(name).isEmpty());
        assertThat(Notebooks.images(nbs.get("01-samples.ipynb"))).as("face grid and spectrograms").isEqualTo(2);
        assertThat(Notebooks.text(nbs.get("01-samples.ipynb"))).contains("| ingest-faces | 17 | 16 | 1 | missing_file 1 |");
        assertThat(Notebooks.images(nbs.get("02-priors.ipynb"))).as("Table 1 plot").isEqualTo(1);
        assertThat(Notebooks.text(nbs.get("02-priors.ipynb"))).contains("**Table 1: L1(n1, n2)", "| neutral | 4 | 2 |");
        assertThat(Notebooks.images(nbs.get("03-training.ipynb"))).as("loss curves").isGreaterThanOrEqualTo(1);
        assertThat(Notebooks.text(nbs.get("03-training.ipynb"))).contains("held-out accuracy");
    }

    private long written(Map<String, JsonNode> reports, String stage) {
        return reports.get(stage).get("counts").get("written").asLong();
    }

    private String dataset(String name) {
        return "file:" + run.dataRoot.resolve(name);
    }

    private long rows(String name) throws IOException {
        return Tables.read(spark(), dataset(name)).count();
    }

    private long rejects(String stage) throws IOException {
        Path dir = run.dataRoot.resolve("rejects");
        return Files.exists(dir.resolve("_delta_log")) ? Tables.read(spark(), "file:" + dir)
                .filter(org.apache.spark.sql.functions.col("stage").equalTo(stage)).count() : 0;
    }

    /** Every stage's {@code _reports/latest.json} under the data root, by stage. */
    private Map<String, JsonNode> latestReports() throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(run.dataRoot)) {
            for (Path p : s.filter(p -> p.endsWith("_reports/latest.json")).toList()) {
                JsonNode r = JSON.readTree(p.toFile());
                JsonNode earlier = out.put(r.get("stage").asText(), r);
                assertThat(earlier).as("a second latest report of " + r.get("stage").asText() + " at " + p).isNull();
            }
        }
        return out;
    }

    private List<Path> deltaTables() throws IOException {
        try (Stream<Path> s = Files.walk(run.dataRoot)) {
            return s.filter(p -> p.getFileName().toString().equals("_delta_log"))
                    .filter(p -> !p.toString().contains("/_staging/")).map(Path::getParent).distinct().toList();
        }
    }

    /** Deletes {@code dir}'s contents except the {@code kept} paths (and the folders holding them). */
    private static void deleteTree(Path dir, Set<Path> kept) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                boolean keep = kept.stream().anyMatch(k -> p.startsWith(k) || k.startsWith(p));
                if (!keep) {
                    Files.delete(p);
                }
            }
        }
    }
}
