package org.speech2face.bench;

import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.networks.ModelDescriber;
import org.speech2face.model.networks.ModelProfile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class ModelBenchmarkTest {

    @Test
    void measuresEveryComputationOnTheTinyProfile() {
        List<String> lines = new ArrayList<>();
        // Three steps after one warm-up: the process CPU clock ticks every 10 ms, and one tiny step can take less.
        List<ModelBenchmark.Result> results = ModelBenchmark.run(
                new ModelBenchmark.Options(ModelProfile.TINY, 2, 1, 3, EnumSet.allOf(ModelBenchmark.Net.class)), lines::add);
        assertThat(results).hasSize(3);
        for (ModelBenchmark.Result r : results) {
            assertThat(r.samplesPerSecond()).isPositive();
            assertThat(r.peakRssBytes()).as("peak RSS of this JVM").isGreaterThan(100L << 20);
            assertThat(r.cpuSecondsPerStep()).isPositive();
            assertThat(r.gflopPerSecond()).isCloseTo(r.samplesPerSecond() * r.gflopPerSample(),
                    org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(lines.get(0)).startsWith("ND4J CPU");
        assertThat(lines.get(1)).contains("float32 matrix product 2048x2048", "GFLOP/s");
        List<String> resultLines = lines.stream().filter(l -> l.contains("samples/s")).toList();
        assertThat(resultLines).hasSize(3);
        assertThat(resultLines.get(0)).contains("SE training step (tiny)", "GFLOP/s", "peak RSS");
        assertThat(lines).filteredOn(l -> l.startsWith("step ")).hasSize(9);
        assertThat(lines).filteredOn(l -> l.startsWith("warm-up step ")).hasSize(3);
    }

    @Test
    void paperSeStepCostsAbout18Gflop() {
        // SE costs about 18 GFLOP per sample per training step
        assertThat(3 * ModelDescriber.speechEncoder(ModelProfile.PAPER, PriorFusion.NONE).forwardFlops() / 1e9)
                .isBetween(17.0, 18.5);
    }

    @Test
    void paperFdStepCountsVggFaceWithoutItsWeightGradients() {
        // FD trained (3x its forward) plus frozen VGGFace to fc7 forward and input gradients only (2x)
        double fd = ModelDescriber.faceDecoder(ModelProfile.PAPER).forwardFlops() / 1e9;
        double vgg = ModelDescriber.vggFace(ModelProfile.PAPER).forwardFlops() / 1e9;
        assertThat(fd).isBetween(65.0, 68.0);
        assertThat(ModelBenchmark.Net.FD.gflopPerSample(ModelProfile.PAPER)).isBetween(3 * fd + 2 * vgg - 0.1, 3 * fd + 2 * vgg);
    }

    @Test
    void parsesNetworkNamesAndNamesTheBadOne() {
        assertThat(ModelBenchmark.Net.parse(" FD ")).isEqualTo(ModelBenchmark.Net.FD);
        assertThatThrownBy(() -> ModelBenchmark.Net.parse("vgg16")).hasMessageContaining("'vgg16'");
    }

    @Test
    void rejectsNonsenseOptions() {
        assertThatThrownBy(() -> new ModelBenchmark.Options(ModelProfile.TINY, 0, 0, 1, EnumSet.of(ModelBenchmark.Net.SE)))
                .hasMessageContaining("batch 0");
    }
}
