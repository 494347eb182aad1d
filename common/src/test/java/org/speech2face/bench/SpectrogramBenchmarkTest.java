package org.speech2face.bench;

import org.speech2face.audio.SpectrogramSpec;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpectrogramBenchmarkTest {

    @Test
    void runsDeterministicWorkAndReportsARate() {
        SpectrogramBenchmark.Result a = SpectrogramBenchmark.run(SpectrogramSpec.PAPER, 2, 16);
        SpectrogramBenchmark.Result b = SpectrogramBenchmark.run(SpectrogramSpec.PAPER, 0, 16);
        assertThat(a.segments()).isEqualTo(16);
        assertThat(a.segmentsPerSecond()).isPositive().isFinite();
        assertThat(a.segmentsPerCpuSecond()).isPositive().isFinite();
        assertThat(a.checksum()).isFinite().isNotZero().isEqualTo(b.checksum());
    }

    @Test
    void speechLikeInputIsDeterministicAndInRange() {
        float[] x = SpectrogramBenchmark.speechLike(16_000, 16_000, 5);
        assertThat(x).isEqualTo(SpectrogramBenchmark.speechLike(16_000, 16_000, 5));
        for (float v : x) {
            assertThat(v).isBetween(-1.0f, 1.0f);
        }
    }
}
