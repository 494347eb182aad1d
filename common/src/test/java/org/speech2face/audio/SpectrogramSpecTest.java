package org.speech2face.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpectrogramSpecTest {

    @Test
    void thePapersSpecGives598FramesOf257Bins() {
        SpectrogramSpec spec = SpectrogramSpec.PAPER;
        assertThat(spec.sampleRate()).isEqualTo(16_000);
        assertThat(spec.segmentSamples()).isEqualTo(96_000);
        assertThat(spec.segmentSeconds()).isEqualTo(6.0);
        assertThat(spec.window()).isEqualTo(400);
        assertThat(spec.hop()).isEqualTo(160);
        assertThat(spec.fftSize()).isEqualTo(512);
        assertThat(spec.compressionPower()).isEqualTo(0.3);
        assertThat(spec.frames()).isEqualTo(598);
        assertThat(spec.bins()).isEqualTo(257);
    }

    @Test
    void framesCountOnlyWholeWindows() {
        // 1 + (1000 - 400) / 160 = 1 + 3 (the remaining 120 samples do not make a frame).
        assertThat(new SpectrogramSpec(16_000, 1000, 400, 160, 512, 0.3).frames()).isEqualTo(4);
        assertThat(new SpectrogramSpec(16_000, 400, 400, 160, 512, 0.3).frames()).isEqualTo(1);
    }
}
