package org.speech2face.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.cli.S2fCommands;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parses every Spark operator manifest under deploy/k8s and checks what the operator and s2f need from it: the
 * right kind, the s2f main class and stage argument, the image flavour, Kryo and Java 17 settings, memory for
 * ND4J's off-heap arrays, and GPUs exactly for the stages that run networks.
 */
class OperatorManifestsTest {
    private static final Path K8S = ProjectFiles.ROOT.resolve("deploy/k8s");
    private static final List<String> STAGES = List.of("ingest-faces", "ingest-audio", "face-features", "train-gender",
            "predict-gender", "face-prior", "train-decoder", "train-encoder", "evaluate");
    private static final List<String> GPU_STAGES = List.of("face-features", "train-gender", "predict-gender",
            "train-decoder", "train-encoder", "evaluate");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        assertThat(o).as(what).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    private static Map<String, Object> load(Path file) throws IOException {
        return map(new Yaml().load(Files.readString(file)), file.toString());
    }

    @Test
    void everyManifestParsesAndIsASparkOperatorResource() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(K8S)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSize(STAGES.size() + 2);
        for (Path f : files) {
            Map<String, Object> doc = load(f);
            assertThat(doc.get("apiVersion")).as(f.toString()).isEqualTo("sparkoperator.k8s.io/v1beta2");
            assertThat(doc.get("kind")).as(f.toString()).isIn("SparkApplication", "ScheduledSparkApplication");
            assertThat(map(doc.get("metadata"), f + " metadata").get("namespace")).isEqualTo("s2f");
        }
    }

    @Test
    void eachStageHasASparkApplicationRunningThatStage() throws IOException {
        for (String stage : STAGES) {
            Map<String, Object> doc = load(K8S.resolve(stage + ".yaml"));
            assertThat(doc.get("kind")).isEqualTo("SparkApplication");
            assertThat(map(doc.get("metadata"), stage).get("name")).isEqualTo("s2f-" + stage);
            checkSpec(stage, map(doc.get("spec"), stage), GPU_STAGES.contains(stage));
        }
    }

    @Test
    void everyManifestThatIsNotATemplateRunsAnExistingS2fCommand() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(K8S)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path f : files) {
            Map<String, Object> doc = load(f);
            Map<String, Object> labels = map(map(doc.get("metadata"), f + " metadata").get("labels"), f + " labels");
            if ("true".equals(labels.get("template"))) {
                continue;
            }
            Map<String, Object> spec = map(doc.get("spec"), f + " spec");
            Map<String, Object> app = doc.get("kind").equals("ScheduledSparkApplication")
                    ? map(spec.get("template"), f + " template") : spec;
            Object command = ((List<?>) app.get("arguments")).get(0);
            assertThat(S2fCommands.all()).as("%s runs '%s'", f.getFileName(), command).contains((String) command);
            assertThat(labels.get("stage")).as(f.getFileName().toString()).isEqualTo(command);
        }
    }

    /** The committed manifests are render.sh's output, so they carry the wrapper's settings (submit-common.sh). */
    @Test
    void theManifestsAreWhatRenderShWrites(@TempDir Path out) throws Exception {
        Process p = new ProcessBuilder("bash", K8S.resolve("render.sh").toString(), "--out", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(log).isZero();
        List<Path> committed;
        try (Stream<Path> s = Files.list(K8S)) {
            committed = s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(f -> f.getFileName().toString()).sorted())
                    .containsExactlyElementsOf(committed.stream().map(f -> f.getFileName().toString()).toList());
        }
        for (Path f : committed) {
            assertThat(out.resolve(f.getFileName())).as("%s: run deploy/k8s/render.sh", f.getFileName())
                    .hasSameTextualContentAs(f);
        }
    }

    @Test
    void theScheduleRunsIngestHourlyOneRunAtATime() throws IOException {
        Map<String, Object> doc = load(K8S.resolve("ingest-scheduled.yaml"));
        assertThat(doc.get("kind")).isEqualTo("ScheduledSparkApplication");
        Map<String, Object> spec = map(doc.get("spec"), "spec");
        assertThat(spec.get("schedule")).isEqualTo("@every 1h");
        // Two runs on one data root would each treat the other's staging as abandoned.
        assertThat(spec.get("concurrencyPolicy")).isEqualTo("Forbid");
        // preprocess, not pipeline: an hourly run must decode new drops, not retrain every network.
        checkSpec("preprocess", map(spec.get("template"), "template"), false);
    }

    @Test
    void theUpkeepRunsOptimizeWeeklyOneRunAtATime() throws IOException {
        Map<String, Object> doc = load(K8S.resolve("optimize-scheduled.yaml"));
        assertThat(doc.get("kind")).isEqualTo("ScheduledSparkApplication");
        assertThat(map(doc.get("metadata"), "metadata").get("name")).isEqualTo("s2f-optimize-scheduled");
        Map<String, Object> spec = map(doc.get("spec"), "spec");
        // Minute, hour, day of month, month, day of week: once a week, on a fixed day and time.
        String[] cron = ((String) spec.get("schedule")).split(" ");
        assertThat(cron).hasSize(5);
        assertThat(cron[0]).containsOnlyDigits();
        assertThat(cron[1]).containsOnlyDigits();
        assertThat(cron[2]).isEqualTo("*");
        assertThat(cron[3]).isEqualTo("*");
        assertThat(cron[4]).matches("[0-6]");
        // Two upkeeps at once would compact the same files and one would fail on the other's commit.
        assertThat(spec.get("concurrencyPolicy")).isEqualTo("Forbid");
        // Compaction and VACUUM read and write Parquet: no GPU.
        checkSpec("optimize", map(spec.get("template"), "template"), false);
    }

    @SuppressWarnings("unchecked")
    private static void checkSpec(String stage, Map<String, Object> spec, boolean gpu) {
        assertThat(spec.get("type")).as(stage).isEqualTo("Java");
        assertThat(spec.get("mode")).as(stage).isEqualTo("cluster");
        assertThat(spec.get("mainClass")).as(stage).isEqualTo("org.speech2face.cli.S2f");
        assertThat(spec.get("mainApplicationFile")).as(stage).isEqualTo("local:///opt/s2f/s2f.jar");
        assertThat((List<Object>) spec.get("arguments")).as(stage).containsExactly(stage, "--conf", "cluster.conf");
        assertThat((List<Object>) map(spec.get("deps"), stage + " deps").get("files")).as(stage)
                .singleElement().asString().endsWith("/cluster.conf");
        assertThat((String) spec.get("image")).as(stage).endsWith(gpu ? "-cuda" : "-cpu");

        Map<String, Object> conf = map(spec.get("sparkConf"), stage + " sparkConf");
        assertThat(conf.get("spark.kryo.registrator")).as(stage).isEqualTo("org.nd4j.kryo.Nd4jRegistrator");
        assertThat(conf.get("spark.executorEnv.OMP_WAIT_POLICY")).as(stage).isEqualTo("PASSIVE");
        assertThat(conf.get("spark.executorEnv.GLIBC_TUNABLES")).as(stage).isEqualTo("glibc.malloc.hugetlb=1");
        // defaultJavaOptions, so that a user's extraJavaOptions add to them; each JVM's cap from its own heap.
        assertThat((String) conf.get("spark.executor.defaultJavaOptions")).as(stage)
                .startsWith(ProjectFiles.jvmOpens()).contains(" " + ProjectFiles.jvmHeap() + " ")
                .contains("-Dorg.bytedeco.javacpp.platform.extension=" + (gpu ? "-cudnn" : "-onednn"))
                .contains("-Dorg.bytedeco.javacpp.maxbytes=4096m")
                .contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=12288m");
        // The driver runs ND4J's CPU build, also in the CUDA image.
        assertThat((String) conf.get("spark.driver.defaultJavaOptions")).as(stage)
                .startsWith(ProjectFiles.jvmOpens())
                .contains("-Dorg.bytedeco.javacpp.platform.extension=-onednn")
                .contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=8192m");
        assertThat(conf.keySet()).as(stage).noneMatch(k -> k.endsWith(".extraJavaOptions"));
        assertThat(conf).as(stage).containsEntry("spark.eventLog.enabled", "true")
                .containsEntry("spark.metrics.conf.*.sink.prometheusServlet.class",
                        "org.apache.spark.metrics.sink.PrometheusServlet");

        Map<String, Object> executor = map(spec.get("executor"), stage + " executor");
        assertThat((Integer) executor.get("instances")).as(stage).isPositive();
        assertThat(executor.get("memory")).as(stage).isEqualTo("8g");
        // Overhead must cover the 4 GiB javacpp.maxbytes above.
        assertThat(executor.get("memoryOverhead")).as(stage).isEqualTo("5120m");
        Map<String, Object> driver = map(spec.get("driver"), stage + " driver");
        assertThat(driver.get("serviceAccount")).isEqualTo("spark");
        List<Map<String, Object>> env = (List<Map<String, Object>>) driver.get("env");
        assertThat(env).as(stage).contains(Map.of("name", "OMP_WAIT_POLICY", "value", "PASSIVE"),
                Map.of("name", "GLIBC_TUNABLES", "value", "glibc.malloc.hugetlb=1"));
        if (gpu) {
            assertThat(executor.get("cores")).as(stage + ": one core for the one GPU task").isEqualTo(1);
            assertThat(env).as(stage).contains(Map.of("name", "BACKEND_PRIORITY_CPU", "value", "200"));
            assertThat(map(executor.get("gpu"), stage + " gpu"))
                    .containsEntry("name", "nvidia.com/gpu").containsEntry("quantity", 1);
            assertThat(conf).containsEntry("spark.executor.resource.gpu.amount", "1")
                    .containsEntry("spark.task.resource.gpu.amount", "1")
                    .containsEntry("spark.executor.resource.gpu.discoveryScript", "/opt/s2f/deploy/gpu-discovery.sh");
        } else {
            assertThat(executor).as(stage).doesNotContainKey("gpu");
            assertThat(conf.keySet()).as(stage).noneMatch(k -> k.contains("gpu"));
            assertThat(env).as(stage).noneMatch(e -> e.get("name").equals("BACKEND_PRIORITY_CPU"));
        }
    }
}
