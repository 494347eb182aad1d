package org.speech2face.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.bench.ModelBenchmark.Net;
import org.speech2face.model.layers.NativeBackend;
import org.speech2face.model.networks.ModelProfile;

class SideBySideTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final List<String> CHILD_JVM = List.of("-Xmx1g",
            "-D" + NativeBackend.EXTENSION_PROPERTY + "=" + System.getProperty(NativeBackend.EXTENSION_PROPERTY, ""));

    @Test
    void runsEachNetworkInAProcessOfItsOwnAndReportsItsPeakMemory() throws InterruptedException {
        List<String> out = new ArrayList<>();
        List<SideBySide.Pair> pairs = SideBySide.run(new SideBySide.Settings(ModelProfile.TINY, 2, 1, 0,
                List.of(Net.VGG), JAVA, CHILD_JVM, "/usr/bin/python3", Path.of("bench", "pytorch_models.py")), out::add);
        assertThat(pairs).hasSize(1);
        SideBySide.Measurement m = pairs.get(0).dl4j();
        assertThat(m).as("the child JVM's result line, output:%n%s", String.join("\n", out)).isNotNull();
        assertThat(m.net()).isEqualTo(Net.VGG);
        assertThat(m.peakRssBytes()).isGreaterThan(50L << 20);
        assertThat(m.peakRssBytes()).as("another process's peak, not this test JVM's").isNotEqualTo(ProcessStats.peakRssBytes());
        assertThat(m.matrixProductGflops()).isPositive();
        assertThat(m.runtime().library()).startsWith("ND4J");
        assertThat(pairs.get(0).pytorch()).isNull();
        assertThat(pairs.get(0).speedRatio()).isNaN();
        assertThat(out).anyMatch(l -> l.contains("PyTorch reference not run: the reference script has the paper profile only."));
        assertThat(out).anyMatch(l -> l.startsWith("VGGFace forward") && l.contains("GiB"));
        assertThat(out).anyMatch(l -> l.contains("no ratio"));
    }

    @Test
    void refusesAReferenceOnTheReferenceBlas(@TempDir Path dir) throws IOException, InterruptedException {
        Path script = dir.resolve("describe.sh");
        Files.writeString(script, "echo 'runtime {\"library\": \"PyTorch 1.13\", \"threads\": 2, \"blas\": \"reference\", "
                + "\"blasLibrary\": \"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3\", \"blasThreads\": -1, \"onednn\": true}'\n");
        String problem = SideBySide.referenceProblem(settings("/bin/sh", script));
        assertThat(problem).contains("reference BLAS", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3",
                "libopenblas0-pthread");
    }

    @Test
    void saysHowToInstallAMissingReference(@TempDir Path dir) throws IOException, InterruptedException {
        Path script = dir.resolve("fails.sh");
        Files.writeString(script, "echo \"ModuleNotFoundError: No module named 'torch'\"; exit 1\n");
        assertThat(SideBySide.referenceProblem(settings("/bin/sh", script)))
                .contains("No module named 'torch'", "bench/install-reference.sh", "python3-torch");
        assertThat(SideBySide.referenceProblem(settings("/bin/sh", dir.resolve("absent.py")))).contains("is missing");
    }

    @Test
    void acceptsAnOpenBlasReference(@TempDir Path dir) throws IOException, InterruptedException {
        Path script = dir.resolve("describe.sh");
        Files.writeString(script, "echo 'runtime {\"library\": \"PyTorch 1.13\", \"threads\": 2, \"blas\": \"openblas\", "
                + "\"blasLibrary\": \"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\", \"blasThreads\": 2, "
                + "\"onednn\": true}'\n");
        assertThat(SideBySide.referenceProblem(settings("/bin/sh", script))).isNull();
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThatThrownBy(() -> new SideBySide.Settings(ModelProfile.PAPER, 16, 0, 1, List.of(Net.FD), JAVA, List.of(),
                null, null)).hasMessageContaining("steps 0");
    }

    private static SideBySide.Settings settings(String python, Path script) {
        return new SideBySide.Settings(ModelProfile.PAPER, 16, 1, 0, List.of(Net.FD), JAVA, List.of(), python, script);
    }

    @Test
    void bothSidesGetHugePagesAndOnlyThisProjectKeepsItsArenaSettings() {
        java.util.Map<String, String> dl4j = new java.util.HashMap<>(java.util.Map.of("MALLOC_ARENA_MAX", "2",
                "MALLOC_MMAP_THRESHOLD_", "1048576", "GLIBC_TUNABLES", "glibc.malloc.tcache_count=0"));
        java.util.Map<String, String> reference = new java.util.HashMap<>(dl4j);
        SideBySide.sideEnvironment(dl4j, false);
        SideBySide.sideEnvironment(reference, true);
        assertThat(dl4j).containsEntry("MALLOC_ARENA_MAX", "2").containsEntry("OMP_WAIT_POLICY", "PASSIVE")
                .containsEntry("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=1");
        assertThat(reference).doesNotContainKeys("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_")
                .containsEntry("OMP_WAIT_POLICY", "PASSIVE")
                .containsEntry("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=1");

        java.util.Map<String, String> chosen = new java.util.HashMap<>(java.util.Map.of("GLIBC_TUNABLES",
                "glibc.malloc.hugetlb=0"));
        SideBySide.sideEnvironment(chosen, true);
        assertThat(chosen).as("a user's own choice stands").containsEntry("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0");
    }
}
