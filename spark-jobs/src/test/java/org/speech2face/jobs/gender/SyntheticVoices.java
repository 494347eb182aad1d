package org.speech2face.jobs.gender;

import org.speech2face.audio.Spectrogram;
import org.speech2face.audio.SpectrogramExtractor;
import org.speech2face.audio.SpectrogramSpec;

import java.util.Random;

/**
 * Voices made from a source-filter model, so the gender test needs no recordings: a glottal pulse train at the
 * speaker's pitch (with intonation and jitter) through three vowel formants scaled by the speaker's vocal tract,
 * in syllables with pauses, over a little noise. Male speakers have a lower pitch (85-145 Hz against 165-255 Hz)
 * and longer tracts (formants x0.85-0.95 against x1.05-1.2): the cues a gender classifier has to find, with
 * speaker-to-speaker spread so that held-out speakers are new to it.
 */
final class SyntheticVoices {
    static final int RATE = 16_000;
    /** F1, F2, F3 of /a/, /e/, /i/, /o/, /u/ for an adult male voice (Peterson and Barney). */
    private static final double[][] VOWELS = {{730, 1090, 2440}, {530, 1840, 2480}, {270, 2290, 3010},
            {570, 840, 2410}, {300, 870, 2240}};

    /** One speaker's voice: mean pitch in Hz and a formant scale. */
    record Speaker(boolean male, double pitchHz, double tractScale) {
        static Speaker draw(boolean male, Random r) {
            return male ? new Speaker(true, 85 + 60 * r.nextDouble(), 0.85 + 0.10 * r.nextDouble())
                    : new Speaker(false, 165 + 90 * r.nextDouble(), 1.05 + 0.15 * r.nextDouble());
        }
    }

    private SyntheticVoices() {
    }

    /** 6 s of {@code speaker} saying random syllables, at a speaking level (RMS 0.05) over a faint noise floor. */
    static float[] speech(Speaker speaker, Random r) {
        double[] out = new double[6 * RATE];
        double phase = 0;
        int i = 0;
        while (i < out.length) {
            int syllable = (int) (RATE * (0.12 + 0.22 * r.nextDouble()));
            int pause = (int) (RATE * (0.03 + 0.12 * r.nextDouble()));
            double[] f = VOWELS[r.nextInt(VOWELS.length)];
            double glide = 1 + 0.15 * (r.nextDouble() - 0.5);
            Resonator[] tract = new Resonator[3];
            for (int k = 0; k < 3; k++) {
                tract[k] = new Resonator(f[k] * speaker.tractScale(), 60 + 40 * k);
            }
            for (int s = 0; s < syllable && i < out.length; s++, i++) {
                double t = s / (double) syllable;
                double pitch = speaker.pitchHz() * (1 + (glide - 1) * t) * (1 + 0.01 * r.nextGaussian());
                phase += pitch / RATE;
                double source = (phase - Math.floor(phase)) < pitch / RATE ? 1.0 : 0.0; // one pulse per period
                double y = source;
                for (Resonator res : tract) {
                    y = res.step(y);
                }
                out[i] = Math.sin(Math.PI * t) * y;
            }
            i += pause;
        }
        double energy = 0;
        for (double v : out) {
            energy += v * v;
        }
        double scale = 0.05 / Math.sqrt(energy / out.length);
        float[] pcm = new float[out.length];
        for (int k = 0; k < out.length; k++) {
            pcm[k] = (float) (scale * out[k] + 0.001 * r.nextGaussian());
        }
        return pcm;
    }

    /** The spectrogram the ingest stage would store for this speech. */
    static Spectrogram spectrogram(float[] speech) {
        return new SpectrogramExtractor(SpectrogramSpec.PAPER).extract(speech);
    }

    /** A two-pole resonance at {@code hz} with bandwidth {@code bandwidthHz}, unit gain at its peak. */
    private static final class Resonator {
        private final double a1;
        private final double a2;
        private final double gain;
        private double y1;
        private double y2;

        Resonator(double hz, double bandwidthHz) {
            double rad = Math.exp(-Math.PI * bandwidthHz / RATE);
            a1 = 2 * rad * Math.cos(2 * Math.PI * hz / RATE);
            a2 = -rad * rad;
            gain = 1 - rad;
        }

        double step(double x) {
            double y = gain * x + a1 * y1 + a2 * y2;
            y2 = y1;
            y1 = y;
            return y;
        }
    }
}
