package org.speech2face.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SegmentFitterTest {
    private final SegmentFitter fitter = new SegmentFitter(SpectrogramSpec.PAPER);

    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(0.001 * i * i) + i * 1e-6f;   // no two periods alike
        }
        return x;
    }

    @Test
    void tilesAShortSegmentByRepeatingTheWaveform() {
        float[] pcm = ramp(40_000);   // 2.5 s
        FittedSegment fitted = fitter.fit(pcm);
        assertThat(fitted.tiled()).isTrue();
        float[] out = fitted.samples();
        assertThat(out).hasSize(96_000);
        for (int i = 0; i + 40_000 < out.length; i++) {
            assertThat(out[i + 40_000]).isEqualTo(out[i]);
        }
        for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).isEqualTo(pcm[i % 40_000]);
        }
    }

    @Test
    void cutsALongSegmentKeepingItsStart() {
        float[] pcm = ramp(128_000);  // 8 s
        FittedSegment fitted = fitter.fit(pcm);
        assertThat(fitted.tiled()).isFalse();
        assertThat(fitted.samples()).hasSize(96_000);
        for (int i = 0; i < 96_000; i++) {
            assertThat(fitted.samples()[i]).isEqualTo(pcm[i]);
        }
    }

    @Test
    void anExactSegmentIsCopiedNotShared() {
        float[] pcm = ramp(96_000);
        FittedSegment fitted = fitter.fit(pcm);
        assertThat(fitted.tiled()).isFalse();
        assertThat(fitted.samples()).isEqualTo(pcm).isNotSameAs(pcm);
    }

    @Test
    void aSingleSampleFillsTheSegment() {
        FittedSegment fitted = fitter.fit(new float[] {0.25f});
        assertThat(fitted.tiled()).isTrue();
        for (float v : fitted.samples()) {
            assertThat(v).isEqualTo(0.25f);
        }
    }

    @Test
    void emptyInputIsAnError() {
        assertThatThrownBy(() -> fitter.fit(new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 samples");
    }

    @Test
    void aWrongSizedBufferIsAnError() {
        assertThatThrownBy(() -> fitter.fitInto(ramp(10), new float[95_000]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("95000");
    }
}
