package org.speech2face.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.deploy.SubmitWrappersTest.run;

/**
 * The Spark settings deploy/submit-common.sh gives both cluster wrappers, read back from {@code --dry-run}: JVM
 * options a user's own {@code extraJavaOptions} add to, JavaCPP limits of each JVM from its own heap, one core per
 * GPU task, a CPU ND4J backend for the driver of a GPU stage, event logs and Prometheus metrics on by default.
 * What Kubernetes makes of these settings is checked by {@link KubernetesSubmitTest}.
 */
class WrapperSettingsTest {
    private static final String IMAGE = "registry.example.org/speech2face:0.1.0-cuda";

    @Test
    void aUsersExtraJavaOptionsAddToTheWrappersOptionsInsteadOfReplacingThem() throws Exception {
        SubmitWrappersTest.Run r = run("submit-k8s.sh", "--dry-run", "--image", IMAGE,
                "--spark-conf", "spark.executor.extraJavaOptions=-XX:+UseG1GC",
                "--spark-conf", "spark.driver.extraJavaOptions=-Dmy.flag=1", "ingest-faces");

        assertThat(r.exit()).as(r.stderr()).isZero();
        // Spark puts spark.*.defaultJavaOptions before spark.*.extraJavaOptions on each JVM's command line.
        assertThat(r.sparkConf("spark.executor.defaultJavaOptions")).startsWith(ProjectFiles.jvmOpens())
                .contains(" " + ProjectFiles.jvmHeap() + " ").contains("-Dorg.bytedeco.javacpp.maxbytes=4096m");
        assertThat(r.sparkConf("spark.driver.defaultJavaOptions")).startsWith(ProjectFiles.jvmOpens())
                .contains(" " + ProjectFiles.jvmHeap() + " ");
        assertThat(r.sparkConf("spark.executor.extraJavaOptions")).isEqualTo("-XX:+UseG1GC");
        assertThat(r.sparkConf("spark.driver.extraJavaOptions")).isEqualTo("-Dmy.flag=1");
    }

    /** JavaCPP's physical cap must sit below each container: heap + off-heap, where the container adds 1 GiB more. */
    @Test
    void eachJvmsPhysicalMemoryCapComesFromItsOwnHeap() throws Exception {
        SubmitWrappersTest.Run r = run("submit-yarn.sh", "--dry-run", "--driver-memory", "2g", "--executor-memory",
                "6g", "--offheap", "1g", "ingest-faces");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.sparkConf("spark.driver.defaultJavaOptions"))
                .contains("-Dorg.bytedeco.javacpp.maxbytes=1024m")
                .contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=3072m");
        assertThat(r.sparkConf("spark.executor.defaultJavaOptions"))
                .contains("-Dorg.bytedeco.javacpp.maxbytes=1024m")
                .contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=7168m");
        assertThat(r.sparkConf("spark.driver.memoryOverhead")).isEqualTo("2048m");
        assertThat(r.sparkConf("spark.executor.memoryOverhead")).isEqualTo("2048m");
    }

    @Test
    void aGpuExecutorHasOneCoreForItsOneTaskUnlessAskedAndThenTheTaskGetsThemAll() throws Exception {
        SubmitWrappersTest.Run byDefault = run("submit-k8s.sh", "--dry-run", "--image", IMAGE, "--gpu", "train-decoder");
        assertThat(byDefault.exit()).as(byDefault.stderr()).isZero();
        assertThat(byDefault.after("--executor-cores")).isEqualTo("1");
        assertThat(byDefault.sparkConf("spark.task.cpus")).isNull();

        SubmitWrappersTest.Run three = run("submit-k8s.sh", "--dry-run", "--image", IMAGE, "--gpu",
                "--executor-cores", "3", "train-decoder");
        assertThat(three.exit()).as(three.stderr()).isZero();
        assertThat(three.after("--executor-cores")).isEqualTo("3");
        assertThat(three.sparkConf("spark.task.cpus")).isEqualTo("3");

        SubmitWrappersTest.Run cpu = run("submit-k8s.sh", "--dry-run", "--image", IMAGE, "ingest-faces");
        assertThat(cpu.after("--executor-cores")).isEqualTo("4");
    }

    /**
     * The driver of a GPU stage has no GPU, so it must load the CPU build the CUDA jar also carries: JavaCPP's
     * -onednn variant and ND4J's CPU backend ahead of CUDA, through the driver's environment of each cluster manager.
     */
    @Test
    void theDriverOfAGpuStageSelectsNd4jsCpuBackend() throws Exception {
        SubmitWrappersTest.Run k8s = run("submit-k8s.sh", "--dry-run", "--image", IMAGE, "--gpu", "train-encoder");
        assertThat(k8s.exit()).as(k8s.stderr()).isZero();
        assertThat(k8s.sparkConf("spark.driver.defaultJavaOptions"))
                .contains("-Dorg.bytedeco.javacpp.platform.extension=-onednn");
        assertThat(k8s.sparkConf("spark.executor.defaultJavaOptions"))
                .contains("-Dorg.bytedeco.javacpp.platform.extension=-cudnn");
        assertThat(k8s.sparkConf("spark.kubernetes.driverEnv.BACKEND_PRIORITY_CPU")).isEqualTo("200");
        assertThat(k8s.sparkConf("spark.kubernetes.driverEnv.NVIDIA_VISIBLE_DEVICES")).isEqualTo("void");
        assertThat(k8s.sparkConf("spark.driver.resource.gpu.amount")).isNull();

        SubmitWrappersTest.Run yarn = run("submit-yarn.sh", "--dry-run", "--gpu", "train-encoder");
        assertThat(yarn.exit()).as(yarn.stderr()).isZero();
        assertThat(yarn.sparkConf("spark.yarn.appMasterEnv.BACKEND_PRIORITY_CPU")).isEqualTo("200");
        assertThat(yarn.sparkConf("spark.driver.defaultJavaOptions"))
                .contains("-Dorg.bytedeco.javacpp.platform.extension=-onednn");
    }

    @Test
    void eventLogsAreOnByDefaultAndTheWrapperSaysHowToOpenThem() throws Exception {
        SubmitWrappersTest.Run yarn = run("submit-yarn.sh", "--dry-run", "ingest-faces");
        assertThat(yarn.sparkConf("spark.eventLog.enabled")).isEqualTo("true");
        assertThat(yarn.sparkConf("spark.eventLog.dir")).isEqualTo("hdfs:///spark-events");
        assertThat(yarn.stderr()).contains("-Dspark.history.fs.logDirectory=hdfs:///spark-events")
                .contains("sbin/start-history-server.sh");

        SubmitWrappersTest.Run k8s = run("submit-k8s.sh", "--dry-run", "--image", IMAGE,
                "--event-log-dir", "s3a://my-bucket/history", "ingest-faces");
        assertThat(k8s.sparkConf("spark.eventLog.dir")).isEqualTo("s3a://my-bucket/history");
        assertThat(k8s.sparkConf("spark.eventLog.compress")).isEqualTo("true");

        SubmitWrappersTest.Run off = run("submit-k8s.sh", "--dry-run", "--image", IMAGE, "--event-log-dir", "none",
                "ingest-faces");
        assertThat(off.exit()).as(off.stderr()).isZero();
        assertThat(off.words()).noneMatch(w -> w.startsWith("spark.eventLog"));
        assertThat(off.stderr()).doesNotContain("history");
    }

    @Test
    void theDriverServesSparksMetricsToPrometheus() throws Exception {
        SubmitWrappersTest.Run r = run("submit-k8s.sh", "--dry-run", "--image", IMAGE, "train-decoder");

        assertThat(r.sparkConf("spark.metrics.conf.*.sink.prometheusServlet.class"))
                .isEqualTo("org.apache.spark.metrics.sink.PrometheusServlet");
        assertThat(r.sparkConf("spark.metrics.conf.*.sink.prometheusServlet.path")).isEqualTo("/metrics/prometheus");
        assertThat(r.sparkConf("spark.metrics.namespace")).isEqualTo("s2f");
        assertThat(r.sparkConf("spark.kubernetes.driver.annotation.prometheus.io/scrape")).isEqualTo("true");
        assertThat(r.sparkConf("spark.kubernetes.driver.annotation.prometheus.io/path")).isEqualTo("/metrics/prometheus/");
    }

    @Test
    void aSizeThatIsNotWholeMibOrUnitsIsRefusedWithASentence() throws Exception {
        SubmitWrappersTest.Run r = run("submit-yarn.sh", "--dry-run", "--driver-memory", "4.5g", "ingest-faces");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr().strip()).isEqualTo("submit-yarn.sh: Size '4.5g' is not a whole number of MiB or a whole "
                + "number with m, g or t (e.g. 4g).");
    }
}
