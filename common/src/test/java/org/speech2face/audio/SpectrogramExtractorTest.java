package org.speech2face.audio;

import org.speech2face.bench.SpectrogramBenchmark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpectrogramExtractorTest {
    private final SpectrogramExtractor extractor = new SpectrogramExtractor(SpectrogramSpec.PAPER);

    @Test
    void matchesAnIndependentDoublePrecisionPipeline() {
        float[] pcm = SpectrogramBenchmark.speechLike(40_000, 16_000, 99);   // 2.5 s: tiled
        Spectrogram s = extractor.extract(pcm);
        assertThat(s.frames()).isEqualTo(598);
        assertThat(s.bins()).isEqualTo(257);
        assertThat(s.data()).hasSize(598 * 257 * 2);
        assertThat(s.tiled()).isTrue();

        // Reference: tile by index arithmetic, DFT and compression in double, then undo the compression of the
        // result (|y|^(1/0.3)) so the comparison is on the STFT's own scale, where float FFT error is uniform.
        float[] tiled = new float[96_000];
        double sumSquares = 0;
        for (int i = 0; i < tiled.length; i++) {
            tiled[i] = pcm[i % pcm.length];
            sumSquares += (double) tiled[i] * tiled[i];
        }
        assertThat(s.rms()).isCloseTo(Math.sqrt(sumSquares / tiled.length), within(1e-9));
        for (int t : new int[] {0, 249, 250, 597}) {     // frame 250 straddles the first repeat at 40000
            double[][] ref = StftTest.directDft(tiled, t * 160);
            double max = 0;
            for (int f = 0; f < 257; f++) {
                max = Math.max(max, Math.hypot(ref[0][f], ref[1][f]));
            }
            for (int f = 0; f < 257; f++) {
                double re = expand(s.real(t, f));
                double im = expand(s.imag(t, f));
                assertThat(Math.abs(re - ref[0][f])).as("frame %d bin %d real", t, f).isLessThan(1e-5 * max);
                assertThat(Math.abs(im - ref[1][f])).as("frame %d bin %d imag", t, f).isLessThan(1e-5 * max);
                // Compression as a whole, against Math.pow on the reference value.
                double expected = Math.signum(ref[0][f]) * Math.pow(Math.abs(ref[0][f]), 0.3);
                assertThat((double) s.real(t, f)).isCloseTo(expected, within(1e-3 * Math.pow(max, 0.3)));
            }
        }
    }

    @Test
    void layoutIsTimeMajorWithRealThenImaginary() {
        // Bin 33 of 512 at 16 kHz is 1031.25 Hz: 10.3125 cycles per hop, so from frame to frame the bin's phase
        // turns by 0.3125 of a turn. Reading the rotation back through the documented index checks the layout.
        double hz = 33 * 16_000 / 512.0;
        float[] pcm = new float[96_000];
        for (int n = 0; n < pcm.length; n++) {
            pcm[n] = (float) Math.cos(2 * Math.PI * hz * n / 16_000);
        }
        Spectrogram s = extractor.extract(pcm);
        float[] d = s.data();
        double phase0 = Math.atan2(expand(d[(0 * 257 + 33) * 2 + 1]), expand(d[(0 * 257 + 33) * 2]));
        for (int t = 0; t < 598; t += 37) {
            int at = (t * 257 + 33) * 2;
            assertThat(Spectrogram.index(t, 33, 0, 257)).isEqualTo(at);
            assertThat(Spectrogram.index(t, 33, 1, 257)).isEqualTo(at + 1);
            assertThat(d[at]).isEqualTo(s.real(t, 33));
            assertThat(d[at + 1]).isEqualTo(s.imag(t, 33));
            double re = expand(d[at]);
            double im = expand(d[at + 1]);
            // A cosine at a bin centre through a Hann window of 400: |X| = sum(w) / 2 = 100.
            assertThat(Math.hypot(re, im)).isCloseTo(100.0, within(0.05));
            double turned = Math.atan2(im, re) - phase0;
            assertThat(Math.cos(turned - 2 * Math.PI * 0.3125 * t)).isCloseTo(1.0, within(1e-6));
            // Four bins away, past the Hann main lobe (2.56 bins at 400 of 512), the magnitude has fallen below 1.
            assertThat(Math.hypot(expand(d[at + 8]), expand(d[at + 9]))).isLessThan(1.0);
            assertThat(Math.hypot(expand(d[at - 8]), expand(d[at - 7]))).isLessThan(1.0);
        }
    }

    @Test
    void silenceGivesZerosNotNaN() {
        Spectrogram s = extractor.extract(new float[50_000]);
        assertThat(s.rms()).isZero();
        long nonZero = 0;
        for (float v : s.data()) {
            if (!(v == 0.0f)) {     // -0.0f from the FFT counts as zero; NaN does not
                nonZero++;
            }
        }
        assertThat(nonZero).isZero();
    }

    @Test
    void refusesAudioAtAnotherRate() {
        DecodedAudio audio = new DecodedAudio(new float[8000], 8000, 1.0, 1.0);
        assertThatThrownBy(() -> extractor.extract(audio)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8000 Hz");
    }

    private static double expand(float y) {
        return Math.signum(y) * Math.pow(Math.abs(y), 1 / 0.3);
    }
}
