package org.speech2face.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.io.ClassPathResource;
import org.nd4j.common.io.Resource;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4jBackend;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which ND4J backend a JVM of a GPU stage loads, when its jar holds both the CUDA and the CPU build (the -Pcuda jar).
 * There is no GPU here, so a stand-in CUDA backend that always reports itself available (at CUDA's priority) is put
 * beside the real CPU backend, and ND4J's own {@link Nd4jBackend#load()} chooses in a fresh JVM given the environment
 * the wrapper gives that JVM: the driver's (from {@code submit-k8s.sh --gpu --dry-run}) must choose the CPU backend,
 * an executor's the GPU one. The CUDA jar itself is checked on this CPU-only machine in docs/deploy-s3-gpu.md.
 */
class Nd4jBackendChoiceTest {

    /** A CUDA backend as ND4J sees one on a GPU node: available, at the GPU priority. It never computes. */
    public static final class StandInCudaBackend extends Nd4jBackend {
        @Override
        public boolean allowsOrder() {
            return false;
        }

        @Override
        public int getPriority() {
            return BACKEND_PRIORITY_GPU;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public boolean canRun() {
            return true;
        }

        @Override
        public Resource getConfigurationResource() {
            return new ClassPathResource("stand-in-cuda.properties");
        }

        @Override
        public Class getNDArrayClass() {
            return null;
        }

        @Override
        public Environment getEnvironment() {
            return null;
        }

        @Override
        public String buildInfo() {
            return "stand-in CUDA backend";
        }

        @Override
        public void logBackendInit() {
            // nothing to log
        }
    }

    /** Prints the simple name of the backend ND4J chooses in this JVM. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            System.out.println("chosen: " + Nd4jBackend.load().getClass().getSimpleName());
        }
    }

    @Test
    void theDriverOfAGpuStageChoosesTheCpuBackendWhereCudaCouldRun(@TempDir Path dir) throws Exception {
        SubmitWrappersTest.Run r = SubmitWrappersTest.run("submit-k8s.sh", "--dry-run", "--image", "img:cuda", "--gpu",
                "train-decoder");
        assertThat(r.exit()).as(r.stderr()).isZero();
        Map<String, String> driverEnv = envOf(r, "spark.kubernetes.driverEnv.");
        Map<String, String> executorEnv = envOf(r, "spark.executorEnv.");
        assertThat(driverEnv).containsKey("BACKEND_PRIORITY_CPU");

        assertThat(chosen(dir, driverEnv)).isEqualTo("CpuBackend");
        assertThat(chosen(dir, executorEnv)).isEqualTo("StandInCudaBackend");
    }

    /** CUDA's priority is 100: the CPU backend must be set above it, not merely raised. */
    @Test
    void aCpuPriorityAtOrBelowCudasLeavesCudaChosen(@TempDir Path dir) throws Exception {
        assertThat(chosen(dir, Map.of("BACKEND_PRIORITY_CPU", "100"))).isEqualTo("StandInCudaBackend");
    }

    /** ND4J's part of the test class path (the rest would only slow the service lookup down), and these classes. */
    private static String nd4jClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith("test-classes") || e.matches(".*/(nd4j|javacpp|slf4j|log4j|commons|guava|"
                        + "jackson|flatbuffers|protobuf|gson|oshi|jna)[^/]*\\.jar"))
                .collect(java.util.stream.Collectors.joining(File.pathSeparator));
    }

    private static Map<String, String> envOf(SubmitWrappersTest.Run r, String prefix) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> w = r.words();
        for (int i = 0; i + 1 < w.size(); i++) {
            if (w.get(i).equals("--conf") && w.get(i + 1).startsWith(prefix)) {
                String kv = w.get(i + 1).substring(prefix.length());
                env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return env;
    }

    /** The backend ND4J loads in a fresh JVM with the stand-in registered and {@code env} added. */
    private static String chosen(Path dir, Map<String, String> env) throws Exception {
        Path services = dir.resolve("META-INF/services/" + Nd4jBackend.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, StandInCudaBackend.class.getName() + "\n");
        Files.writeString(dir.resolve("stand-in-cuda.properties"), "");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", dir + File.pathSeparator + nd4jClassPath(),
                Probe.class.getName()).redirectErrorStream(true);
        pb.environment().remove("BACKEND_PRIORITY_CPU");
        pb.environment().remove("BACKEND_PRIORITY_GPU");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("chosen: ")).map(l -> l.substring(8)).findFirst()
                .orElseThrow(() -> new AssertionError("no backend chosen: " + out));
    }
}
