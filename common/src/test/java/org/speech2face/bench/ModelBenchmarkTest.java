package org.speech2face.bench;

import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.networks.ModelDescriber;
import org.speech2face.model.networks.ModelProfile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ModelBenchmarkTest {

    @Test
    void measuresEveryComputationOnTheTinyProfile() {
        List<String> lines = new ArrayList<>();
        List<ModelBenchmark.Result> results = ModelBenchmark.run(
                new ModelBenchmark.Options(ModelProfile.TINY, 2, 0, 1, true, true, true), lines::add);
        assertThat(results).hasSize(3);
        for (ModelBenchmark.Result r : results) {
            assertThat(r.samplesPerSecond()).isPositive();
            assertThat(r.cpuSecondsPerStep()).isPositive();
            assertThat(r.gflopPerSecond()).isCloseTo(r.samplesPerSecond() * r.gflopPerSample(),
                    org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(lines.get(0)).startsWith("ND4J CPU");
        assertThat(lines).hasSize(5);
        assertThat(lines.get(1)).contains("float32 matrix product 2048x2048", "GFLOP/s");
        assertThat(lines.get(2)).contains("SE training step (tiny)", "samples/s", "GFLOP/s");
    }

    @Test
    void paperSeStepCostsAbout18Gflop() {
        // SE costs about 18 GFLOP per sample per training step
        assertThat(3 * ModelDescriber.speechEncoder(ModelProfile.PAPER, PriorFusion.NONE).forwardFlops() / 1e9)
                .isBetween(17.0, 18.5);
    }

    @Test
    void rejectsNonsenseOptions() {
        assertThatThrownBy(() -> new ModelBenchmark.Options(ModelProfile.TINY, 0, 0, 1, true, false, false))
                .hasMessageContaining("batch 0");
    }
}
