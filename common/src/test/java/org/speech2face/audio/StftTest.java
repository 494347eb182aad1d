package org.speech2face.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

class StftTest {
    private static final SpectrogramSpec SPEC = SpectrogramSpec.PAPER;

    @Test
    void sixSecondsGive598FramesOf257Bins() {
        Stft stft = new Stft(SPEC);
        float[] out = stft.transform(new float[96_000]);
        assertThat(SPEC.frames()).isEqualTo(598);
        assertThat(SPEC.bins()).isEqualTo(257);
        assertThat(out).hasSize(598 * 257 * 2);
    }

    @Test
    void matchesADirectDftInDoublePrecision() {
        float[] x = testSignal(new Random(7));
        float[] out = new Stft(SPEC).transform(x);
        for (int t : new int[] {0, 1, 137, 297, 597}) {
            double[][] ref = directDft(x, t * 160);
            double maxMagnitude = 0.0;
            double maxError = 0.0;
            for (int f = 0; f < 257; f++) {
                maxMagnitude = Math.max(maxMagnitude, Math.hypot(ref[0][f], ref[1][f]));
                int i = Spectrogram.index(t, f, 0, 257);
                maxError = Math.max(maxError, Math.hypot(out[i] - ref[0][f], out[i + 1] - ref[1][f]));
            }
            assertThat(maxMagnitude).as("frame %d magnitude", t).isGreaterThan(1.0);
            assertThat(maxError / maxMagnitude).as("frame %d relative error", t).isLessThan(2e-6);
        }
    }

    @Test
    void aSineAtABinCentrePeaksInThatBin() {
        // 1 kHz at 16 kHz with a 512-point FFT is bin 32 exactly.
        float[] x = new float[96_000];
        for (int n = 0; n < x.length; n++) {
            x[n] = (float) Math.sin(2 * Math.PI * 1000.0 * n / 16_000);
        }
        float[] out = new Stft(SPEC).transform(x);
        for (int t : new int[] {0, 300, 597}) {
            int peak = 0;
            double best = -1;
            for (int f = 0; f < 257; f++) {
                int i = Spectrogram.index(t, f, 0, 257);
                double m = Math.hypot(out[i], out[i + 1]);
                if (m > best) {
                    best = m;
                    peak = f;
                }
            }
            assertThat(peak).isEqualTo(32);
            // Amplitude 1 sine through a Hann window of 400: |X| = sum(w) / 2 = 100.
            assertThat(best).isCloseTo(100.0, org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @Test
    void hannWindowIsPeriodic() {
        float[] w = Stft.periodicHann(400);
        assertThat(w[0]).isZero();
        assertThat(w[200]).isEqualTo(1.0f);
        assertThat(w[399]).isGreaterThan(0.0f);
        for (int n = 1; n < 400; n++) {
            assertThat(w[n]).isEqualTo(w[400 - n]);
        }
    }

    @Test
    void rejectsASegmentOfTheWrongLength() {
        assertThatThrownBy(() -> new Stft(SPEC).transform(new float[95_999]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("95999");
    }

    static float[] testSignal(Random random) {
        float[] x = new float[96_000];
        for (int n = 0; n < x.length; n++) {
            x[n] = (float) (0.5 * Math.sin(2 * Math.PI * 217.3 * n / 16_000)
                    + 0.2 * Math.sin(2 * Math.PI * 3111.0 * n / 16_000) + 0.1 * random.nextGaussian());
        }
        return x;
    }

    /** X[f] = sum_n x[start+n] w[n] exp(-2 pi i f n / 512), with the window and twiddles in double. */
    static double[][] directDft(float[] x, int start) {
        double[] re = new double[257];
        double[] im = new double[257];
        for (int f = 0; f < 257; f++) {
            double sr = 0.0;
            double si = 0.0;
            for (int n = 0; n < 400; n++) {
                double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / 400);
                double v = x[start + n] * w;
                double phase = -2 * Math.PI * (((long) f * n) % 512) / 512;
                sr += v * Math.cos(phase);
                si += v * Math.sin(phase);
            }
            re[f] = sr;
            im[f] = si;
        }
        return new double[][] {re, im};
    }
}
