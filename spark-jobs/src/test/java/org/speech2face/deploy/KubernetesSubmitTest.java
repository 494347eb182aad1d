package org.speech2face.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import okhttp3.mockwebserver.MockWebServer;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkSubmit;
import org.apache.spark.deploy.k8s.KubernetesConf$;
import org.apache.spark.deploy.k8s.KubernetesExecutorConf;
import org.apache.spark.launcher.DriverPodLaunch;
import org.apache.spark.resource.ResourceProfile$;
import org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact command deploy/submit-k8s.sh builds, submitted by Spark's own Kubernetes client to fabric8's mock API
 * server on loopback (CRUD mode). The test reads back what Spark created, the driver pod, its config map and its
 * service, and builds an executor pod from the shipped properties as the running driver would, then checks what a
 * cluster would be asked for: image, arguments, memory and cpu, GPUs, environment, volumes, service account, and JVM
 * options whose JavaCPP caps fit inside each container. No pod runs: this proves the request, not that a cluster
 * accepts it.
 */
class KubernetesSubmitTest {
    private static final String IMAGE = "registry.example.org/speech2face:0.1.0-cuda";
    private static final Pattern MAX_PHYSICAL =
            Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.maxphysicalbytes=(\\d+)m");
    private static KubernetesMockServer server;
    private static KubernetesClient client;
    private static String master;

    /** What one submission created in its namespace. */
    record Submitted(Pod driver, Properties properties, Service service, List<String> argv) {
        Container container() {
            return driver.getSpec().getContainers().get(0);
        }
    }

    @BeforeAll
    static void startTheApiServer() {
        // Hermetic: no kubeconfig or service account of this machine, and no proxy for loopback.
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        System.setProperty("no.proxy", "127.0.0.1,localhost");
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new ServerSideApplyCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        master = "k8s://http://127.0.0.1:" + server.getPort();
    }

    @AfterAll
    static void stopTheApiServer() {
        client.close();
        server.destroy();
    }

    @Test
    void aGpuStageAsksForOneGpuPerExecutorAndRunsItsDriverOnTheCpu(@TempDir Path tmp) throws Exception {
        Submitted s = submit("gpu", "--image", IMAGE, "--gpu", "--conf", ProjectFiles.ROOT.resolve("conf/cluster.conf")
                        .toString(), "--upload-path", tmp.resolve("upload").toUri().toString(),
                "--spark-conf", "spark.executor.extraJavaOptions=-XX:+UseG1GC", "train-encoder",
                "--set", "encoder.prior=gender");

        Container driver = s.container();
        assertThat(driver.getImage()).isEqualTo(IMAGE);
        assertThat(driver.getArgs()).containsExactly("driver", "--properties-file", "/opt/spark/conf/spark.properties",
                "--class", "org.speech2face.cli.S2f", "local:///opt/s2f/s2f.jar", "train-encoder",
                "--conf", "cluster.conf", "--set", "encoder.prior=gender");
        assertThat(s.driver().getSpec().getServiceAccountName()).isEqualTo("spark");
        // 4g heap + 4g off-heap + 1g for natives; no GPU for the driver.
        assertThat(driver.getResources().getLimits()).containsOnlyKeys("memory");
        assertThat(mib(driver.getResources().getLimits().get("memory"))).isEqualTo(9216);
        assertThat(driver.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("1"));
        assertThat(env(driver)).containsEntry("OMP_WAIT_POLICY", "PASSIVE").containsEntry("BACKEND_PRIORITY_CPU", "200")
                .containsEntry("NVIDIA_VISIBLE_DEVICES", "void");
        assertThat(s.driver().getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "4040")
                .containsEntry("prometheus.io/path", "/metrics/prometheus/");
        assertThat(s.driver().getSpec().getVolumes()).extracting(Volume::getName)
                .contains("spark-local-dir-1", "spark-conf-volume-driver");

        // The driver JVM the pod would start: the wrapper's options, its -onednn (CPU) build, a cap inside the pod.
        String driverJvm = String.join(" ", driverCommand(s, tmp));
        assertThat(driverJvm).contains(ProjectFiles.jvmOpens()).contains(ProjectFiles.jvmHeap()).contains("-Xmx4g")
                .contains("-Dorg.bytedeco.javacpp.platform.extension=-onednn");
        assertThat(maxPhysicalMib(driverJvm)).isEqualTo(8192).isLessThan(mib(driver.getResources().getLimits().get("memory")));
        assertThat(s.properties().getProperty("spark.executor.extraJavaOptions")).isEqualTo("-XX:+UseG1GC");

        // The config was uploaded and is fetched by the driver into its working directory.
        String files = s.properties().getProperty("spark.files");
        assertThat(files).startsWith(tmp.resolve("upload").toUri() + "spark-upload-").endsWith("/cluster.conf");
        try (Stream<Path> uploaded = Files.walk(tmp.resolve("upload"))) {
            assertThat(uploaded.filter(p -> p.getFileName().toString().equals("cluster.conf"))).hasSize(1);
        }

        assertThat(s.service().getSpec().getClusterIP()).isEqualTo("None");
        assertThat(s.service().getSpec().getPorts()).extracting(ServicePort::getPort).containsExactlyInAnyOrder(7078, 7079, 4040);

        Container executor = executorContainer(s);
        assertThat(executor.getImage()).isEqualTo(IMAGE);
        assertThat(executor.getResources().getLimits().get("nvidia.com/gpu")).isEqualTo(new Quantity("1"));
        assertThat(executor.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("1"));
        assertThat(mib(executor.getResources().getLimits().get("memory"))).isEqualTo(8192 + 5120);
        String executorJvm = javaOptions(executor);
        // Spark appends the user's extraJavaOptions to the wrapper's defaultJavaOptions.
        assertThat(executorJvm).startsWith(ProjectFiles.jvmOpens()).contains(ProjectFiles.jvmHeap())
                .contains("maxphysicalbytes=12288m -XX:+UseG1GC")
                .contains("-Dorg.bytedeco.javacpp.platform.extension=-cudnn");
        assertThat(maxPhysicalMib(executorJvm)).isEqualTo(12288).isLessThan(mib(executor.getResources().getLimits().get("memory")));
        assertThat(env(executor)).containsEntry("OMP_WAIT_POLICY", "PASSIVE");
        assertThat(s.properties().getProperty("spark.executor.resource.gpu.discoveryScript"))
                .isEqualTo("/opt/s2f/deploy/gpu-discovery.sh");
    }

    @Test
    void aCpuStageSizesEachPodFromItsOwnMemoryAndKeepsEventLogsAndMetrics() throws Exception {
        Submitted s = submit("cpu", "--image", "registry.example.org/speech2face:0.1.0-cpu", "--driver-memory", "2g",
                "--executor-memory", "6g", "--offheap", "2g", "--executors", "3", "--service-account", "s2f-runner",
                "--event-log-dir", "s3a://my-bucket/spark-events", "--s3-secret", "s2f-s3", "ingest-faces", "--limit", "5");

        Container driver = s.container();
        assertThat(driver.getArgs()).endsWith("local:///opt/s2f/s2f.jar", "ingest-faces", "--limit", "5");
        assertThat(s.driver().getSpec().getServiceAccountName()).isEqualTo("s2f-runner");
        assertThat(mib(driver.getResources().getLimits().get("memory"))).isEqualTo(2048 + 3072);
        assertThat(env(driver)).containsEntry("OMP_WAIT_POLICY", "PASSIVE").doesNotContainKey("BACKEND_PRIORITY_CPU");
        assertThat(secretEnv(driver)).containsEntry("AWS_ACCESS_KEY_ID", "s2f-s3/AWS_ACCESS_KEY_ID")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "s2f-s3/AWS_SECRET_ACCESS_KEY");
        assertThat(maxPhysicalMib(s.properties().getProperty("spark.driver.defaultJavaOptions"))).isEqualTo(4096);
        assertThat(s.properties()).containsEntry("spark.eventLog.enabled", "true")
                .containsEntry("spark.eventLog.dir", "s3a://my-bucket/spark-events")
                .containsEntry("spark.metrics.conf.*.sink.prometheusServlet.class",
                        "org.apache.spark.metrics.sink.PrometheusServlet")
                .containsEntry("spark.executor.instances", "3");
        assertThat(s.properties().stringPropertyNames()).noneMatch(k -> k.contains("gpu"));

        Container executor = executorContainer(s);
        assertThat(executor.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
        assertThat(executor.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("4"));
        assertThat(mib(executor.getResources().getLimits().get("memory"))).isEqualTo(6144 + 3072);
        assertThat(maxPhysicalMib(javaOptions(executor))).isEqualTo(8192);
        assertThat(javaOptions(executor)).contains("-Dorg.bytedeco.javacpp.platform.extension=-onednn");
        assertThat(secretEnv(executor)).containsEntry("AWS_SECRET_ACCESS_KEY", "s2f-s3/AWS_SECRET_ACCESS_KEY");
    }

    /** Runs the wrapper with --dry-run in namespace {@code ns}, submits its command, and reads back what was made. */
    private static Submitted submit(String ns, String... wrapperArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "set -e; line=$(bash \"$0\" --dry-run \"$@\"); "
                + "eval \"set -- $line\"; printf '%s\\0' \"$@\"", ProjectFiles.ROOT.resolve("deploy/submit-k8s.sh").toString(),
                "--master", master, "--namespace", ns,
                // the mock pod never runs, so the client must not wait for it
                "--spark-conf", "spark.kubernetes.submission.waitAppCompletion=false"));
        cmd.addAll(List.of(wrapperArgs));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("submit-k8s.sh --dry-run").isZero();
        List<String> argv = List.of(out.split("\0"));
        assertThat(argv.get(0)).endsWith("spark-submit");

        new SparkSubmit().doSubmit(argv.subList(1, argv.size()).toArray(String[]::new));

        List<Pod> pods = client.pods().inNamespace(ns).withLabel("spark-role", "driver").list().getItems();
        assertThat(pods).hasSize(1);
        Pod driver = pods.get(0);
        String configMap = driver.getSpec().getVolumes().stream().filter(v -> v.getConfigMap() != null)
                .map(v -> v.getConfigMap().getName()).findFirst().orElseThrow();
        ConfigMap map = client.configMaps().inNamespace(ns).withName(configMap).get();
        Properties props = new Properties();
        props.load(new StringReader(map.getData().get("spark.properties")));
        List<Service> services = client.services().inNamespace(ns).list().getItems();
        assertThat(services).hasSize(1);
        return new Submitted(driver, props, services.get(0), argv);
    }

    /** The executor pod's container, built from the shipped properties as the running driver builds it. */
    private static Container executorContainer(Submitted s) {
        SparkConf conf = new SparkConf(false);
        s.properties().forEach((k, v) -> conf.set((String) k, (String) v));
        KubernetesExecutorConf ec = KubernetesConf$.MODULE$.createExecutorConf(conf, "1",
                s.properties().getProperty("spark.app.id"), scala.Option.apply(s.driver()), 0);
        SecurityManager security = new SecurityManager(conf, scala.Option.empty(),
                org.apache.spark.internal.config.package$.MODULE$.AUTH_SECRET_FILE_EXECUTOR());
        // Spark caches one default resource profile per JVM; build this one from this conf and leave none behind.
        try {
            return new KubernetesExecutorBuilder().buildFromFeatures(ec, security, client,
                    ResourceProfile$.MODULE$.reInitDefaultProfile(conf)).pod().container();
        } finally {
            ResourceProfile$.MODULE$.clearDefaultProfile();
        }
    }

    /** The driver JVM's command line, built by Spark's launcher from the pod's arguments and config map. */
    private static List<String> driverCommand(Submitted s, Path tmp) throws Exception {
        Path propsFile = tmp.resolve("spark.properties");
        try (var w = Files.newBufferedWriter(propsFile)) {
            s.properties().store(w, null);
        }
        Path home = Files.createDirectories(tmp.resolve("spark-home/jars")).getParent();
        List<String> args = new ArrayList<>(s.container().getArgs().subList(1, s.container().getArgs().size()));
        args.set(args.indexOf("--properties-file") + 1, propsFile.toString());
        return DriverPodLaunch.command(args, home);
    }

    /** The executor JVM's options: Spark passes them as SPARK_JAVA_OPT_0, _1, ... in order. */
    private static String javaOptions(Container c) {
        Map<String, String> env = env(c);
        List<String> opts = new ArrayList<>();
        for (int i = 0; env.containsKey("SPARK_JAVA_OPT_" + i); i++) {
            opts.add(env.get("SPARK_JAVA_OPT_" + i));
        }
        return String.join(" ", opts);
    }

    private static Map<String, String> env(Container c) {
        return c.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b));
    }

    /** Variables taken from secrets, as secret/key. */
    private static Map<String, String> secretEnv(Container c) {
        return c.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .collect(Collectors.toMap(EnvVar::getName, e -> e.getValueFrom().getSecretKeyRef().getName() + "/"
                        + e.getValueFrom().getSecretKeyRef().getKey()));
    }

    private static long maxPhysicalMib(String javaOptions) {
        Matcher m = MAX_PHYSICAL.matcher(javaOptions);
        assertThat(m.find()).as("maxphysicalbytes in %s", javaOptions).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long mib(Quantity q) {
        return Quantity.getAmountInBytes(q).divide(BigDecimal.valueOf(1024 * 1024)).longValueExact();
    }
}
