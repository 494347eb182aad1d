package org.speech2face.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.speech2face.testing.MsSsimVectors;

class MsSsimTest {

    @Test
    void matchesTheNumpyReferenceOnRealFacePairs() {
        for (MsSsimVectors.Case c : MsSsimVectors.load()) {
            double v = new MsSsim(MsSsimSettings.paper(c.scales())).compute(c.x(), c.y(), 3, c.size(), c.size());
            assertThat(v).as(c.a() + " vs " + c.b()).isCloseTo(c.msSsim(), within(1e-6));
        }
    }

    @Test
    void identicalImagesScoreOneAndTheScoreIsSymmetric() {
        float[] a = MsSsimVectors.image("obama_176.png");
        float[] b = MsSsimVectors.image("noise_176.png");
        MsSsim m = new MsSsim(MsSsimSettings.paper(5));
        assertThat(m.compute(a, a, 3, 176, 176)).isCloseTo(1.0, within(1e-12));
        assertThat(m.compute(a, b, 3, 176, 176)).isCloseTo(m.compute(b, a, 3, 176, 176), within(1e-12));
    }

    @Test
    void fewerScalesRenormaliseThePaperWeights() {
        double[] w = MsSsimSettings.paper(3).weights();
        double sum = 0.0448 + 0.2856 + 0.3001;
        assertThat(w).containsExactly(new double[] {0.0448 / sum, 0.2856 / sum, 0.3001 / sum}, within(1e-15));
        assertThat(Arrays.stream(MsSsimSettings.paper(5).weights()).sum()).isCloseTo(1.0, within(1e-4));
        assertThat(MsSsimSettings.paper(5).minimumSide()).isEqualTo(176);
        assertThat(MsSsimSettings.paper(3).minimumSide()).isEqualTo(44);
    }

    @Test
    void refusesImagesTooSmallForTheScales() {
        float[] a = MsSsimVectors.image("obama_64.png");
        assertThatThrownBy(() -> new MsSsim(MsSsimSettings.paper(5)).compute(a, a, 3, 64, 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64x64").hasMessageContaining("176");
        assertThatThrownBy(() -> MsSsimSettings.paper(6)).hasMessageContaining("6");
    }
}
