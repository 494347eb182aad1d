package org.speech2face.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs deploy/submit-yarn.sh and deploy/submit-k8s.sh with --dry-run and reads back the spark-submit command they
 * would run; no cluster is involved, so this pins what the wrappers promise: cluster mode, Kryo with the ND4J
 * registrator, the POM's Java 17 options, the shipped config, and GPU settings exactly when asked for.
 */
class SubmitWrappersTest {

    record Run(int exit, List<String> words, String stderr) {
        /** The value after the first occurrence of {@code flag}. */
        String after(String flag) {
            int i = words.indexOf(flag);
            assertThat(i).as("%s in %s", flag, words).isGreaterThanOrEqualTo(0);
            return words.get(i + 1);
        }

        /** Every value given as {@code --conf key=...} before the jar. */
        String sparkConf(String key) {
            for (int i = 0; i + 1 < words.size(); i++) {
                if (words.get(i).equals("--conf") && words.get(i + 1).startsWith(key + "=")) {
                    return words.get(i + 1).substring(key.length() + 1);
                }
            }
            return null;
        }
    }

    static Run run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", ProjectFiles.ROOT.resolve("deploy").resolve(script).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(ProjectFiles.ROOT.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // The printed command is shell-quoted; let bash split it back into words.
        List<String> words = new ArrayList<>();
        if (p.exitValue() == 0) {
            Process split = new ProcessBuilder("bash", "-c", "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "split", out)
                    .start();
            String joined = new String(split.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            split.waitFor(10, TimeUnit.SECONDS);
            for (String w : joined.split("\0")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        }
        return new Run(p.exitValue(), words, err);
    }

    @Test
    void yarnCpuRunShipsTheConfigAndRunsInClusterMode() throws Exception {
        Run r = run("submit-yarn.sh", "--dry-run", "--conf", "conf/cluster.conf", "--executors", "7",
                "--executor-memory", "6g", "--offheap", "3g", "ingest-faces", "--limit", "5");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.words().get(0)).endsWith("spark-submit");
        assertThat(r.after("--master")).isEqualTo("yarn");
        assertThat(r.after("--deploy-mode")).isEqualTo("cluster");
        assertThat(r.after("--class")).isEqualTo("org.speech2face.cli.S2f");
        assertThat(r.after("--num-executors")).isEqualTo("7");
        assertThat(r.after("--files")).isEqualTo("conf/cluster.conf");
        assertThat(r.sparkConf("spark.kryo.registrator")).isEqualTo("org.nd4j.kryo.Nd4jRegistrator");
        assertThat(r.sparkConf("spark.executorEnv.OMP_WAIT_POLICY")).isEqualTo("PASSIVE");
        assertThat(r.sparkConf("spark.executorEnv.GLIBC_TUNABLES")).isEqualTo("glibc.malloc.hugetlb=1");
        // 3 GiB off-heap + 1 GiB for natives; physical cap = 6 GiB heap + 3 GiB off-heap.
        assertThat(r.sparkConf("spark.executor.memoryOverhead")).isEqualTo("4096m");
        String opts = r.sparkConf("spark.executor.defaultJavaOptions");
        assertThat(opts).startsWith(ProjectFiles.jvmOpens())
                .contains("-Dorg.bytedeco.javacpp.platform.extension=-onednn")
                .contains("-Dorg.bytedeco.javacpp.maxbytes=3072m")
                .contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=9216m");
        // The driver's cap is its own heap (4g by default) plus the off-heap.
        assertThat(r.sparkConf("spark.driver.defaultJavaOptions")).startsWith(ProjectFiles.jvmOpens())
                .contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=7168m");
        // The jar, then s2f's own arguments: the job, the shipped config by base name, the user's extras.
        int jar = r.words().size() - 6;
        assertThat(r.words().get(jar)).endsWith("speech2face-spark-jobs-0.1.0-SNAPSHOT-cpu.jar");
        assertThat(r.words().subList(jar + 1, r.words().size()))
                .containsExactly("ingest-faces", "--conf", "cluster.conf", "--limit", "5");
        assertThat(r.words()).noneMatch(w -> w.contains("resource.gpu"));
    }

    @Test
    void yarnGpuRunAsksForOneGpuPerExecutorAndTaskAndShipsTheDiscoveryScript() throws Exception {
        Run r = run("submit-yarn.sh", "--dry-run", "--gpu", "--conf", "hdfs:///s2f/cluster.conf", "train-decoder");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.sparkConf("spark.executor.resource.gpu.amount")).isEqualTo("1");
        assertThat(r.sparkConf("spark.task.resource.gpu.amount")).isEqualTo("1");
        assertThat(r.sparkConf("spark.executor.resource.gpu.discoveryScript")).isEqualTo("./gpu-discovery.sh");
        assertThat(r.after("--files").split(","))
                .containsExactly(ProjectFiles.ROOT.resolve("deploy/gpu-discovery.sh").toString(), "hdfs:///s2f/cluster.conf");
        assertThat(r.sparkConf("spark.executor.defaultJavaOptions")).contains("-Dorg.bytedeco.javacpp.platform.extension=-cudnn");
        assertThat(r.words()).anyMatch(w -> w.endsWith("-cuda.jar"));
        assertThat(r.words().subList(r.words().size() - 3, r.words().size()))
                .containsExactly("train-decoder", "--conf", "cluster.conf");
    }

    @Test
    void gpuIsRefusedForAStageThatRunsNoNetwork() throws Exception {
        Run r = run("submit-yarn.sh", "--dry-run", "--gpu", "ingest-audio");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("Job 'ingest-audio' does not run the networks");
    }

    @Test
    void k8sRunUsesTheImageNamespaceAndTheJarInsideTheImage() throws Exception {
        Run r = run("submit-k8s.sh", "--dry-run", "--image", "registry.example.org/speech2face:0.1.0-cpu",
                "--namespace", "speech", "--conf", "s3a://bucket/cluster.conf", "ingest-audio");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.after("--master")).startsWith("k8s://");
        assertThat(r.after("--deploy-mode")).isEqualTo("cluster");
        assertThat(r.sparkConf("spark.kubernetes.container.image")).isEqualTo("registry.example.org/speech2face:0.1.0-cpu");
        assertThat(r.sparkConf("spark.kubernetes.namespace")).isEqualTo("speech");
        assertThat(r.sparkConf("spark.kryo.registrator")).isEqualTo("org.nd4j.kryo.Nd4jRegistrator");
        assertThat(r.sparkConf("spark.executor.defaultJavaOptions")).startsWith(ProjectFiles.jvmOpens());
        assertThat(r.after("--files")).isEqualTo("s3a://bucket/cluster.conf");
        assertThat(r.words().subList(r.words().size() - 4, r.words().size()))
                .containsExactly("local:///opt/s2f/s2f.jar", "ingest-audio", "--conf", "cluster.conf");
        assertThat(r.words()).noneMatch(w -> w.contains("gpu") || w.contains("BACKEND_PRIORITY"));
    }

    @Test
    void k8sGpuRunRequestsNvidiaGpusAndUsesTheImagesDiscoveryScript() throws Exception {
        Run r = run("submit-k8s.sh", "--dry-run", "--image", "img:cuda", "--gpu", "train-encoder");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.sparkConf("spark.executor.resource.gpu.amount")).isEqualTo("1");
        assertThat(r.sparkConf("spark.task.resource.gpu.amount")).isEqualTo("1");
        assertThat(r.sparkConf("spark.executor.resource.gpu.vendor")).isEqualTo("nvidia.com");
        assertThat(r.sparkConf("spark.executor.resource.gpu.discoveryScript")).isEqualTo("/opt/s2f/deploy/gpu-discovery.sh");
        assertThat(r.words()).doesNotContain("--files");
    }

    @Test
    void k8sRefusesALocalConfigItCannotShipAndAMissingImage() throws Exception {
        Run local = run("submit-k8s.sh", "--dry-run", "--image", "img", "--conf", "conf/cluster.conf", "ingest-faces");
        assertThat(local.exit()).isEqualTo(2);
        assertThat(local.stderr()).contains("A local --conf (conf/cluster.conf) must be uploaded");

        Run shipped = run("submit-k8s.sh", "--dry-run", "--image", "img", "--conf", "conf/cluster.conf",
                "--upload-path", "s3a://bucket/uploads", "ingest-faces");
        assertThat(shipped.exit()).as(shipped.stderr()).isZero();
        assertThat(shipped.sparkConf("spark.kubernetes.file.upload.path")).isEqualTo("s3a://bucket/uploads");

        Run noImage = run("submit-k8s.sh", "--dry-run", "ingest-faces");
        assertThat(noImage.exit()).isEqualTo(2);
        assertThat(noImage.stderr()).contains("No --image given");
    }

    /**
     * No GPU here, so a stand-in nvidia-smi answers the documented query
     * ({@code --query-gpu=index --format=csv,noheader}: one index per line) and the script must turn it into Spark's
     * resource JSON; without nvidia-smi it must fail rather than report zero GPUs.
     */
    @Test
    void gpuDiscoveryPrintsSparksResourceJsonFromNvidiaSmi(@TempDir Path bin) throws Exception {
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\n[ \"$1\" = --query-gpu=index ] || exit 9\nprintf '0\\n1\\n'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));

        Process found = discovery(bin + ":/usr/bin:/bin");
        assertThat(new String(found.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim())
                .isEqualTo("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}");
        assertThat(found.waitFor()).isZero();

        Process missing = discovery(bin.resolve("empty") + ":/usr/bin:/bin");
        assertThat(new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("nvidia-smi is not on the PATH");
        assertThat(missing.waitFor()).isEqualTo(1);
    }

    private static Process discovery(String path) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", ProjectFiles.ROOT.resolve("deploy/gpu-discovery.sh").toString())
                .redirectErrorStream(true);
        pb.environment().put("PATH", path);
        return pb.start();
    }
}
