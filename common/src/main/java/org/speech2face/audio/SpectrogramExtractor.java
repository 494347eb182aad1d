package org.speech2face.audio;

import java.util.Objects;

/**
 * PCM to the speech encoder's input: fit to 6 s (tile or cut), STFT, power-law compression.
 *
 * <p>Not thread-safe (it reuses the fitted-segment buffer and the STFT's FFT buffer); use one per thread, e.g.
 * one per Spark partition. Construction is cheap.
 */
public final class SpectrogramExtractor {
    private final SpectrogramSpec spec;
    private final SegmentFitter fitter;
    private final Stft stft;
    private final PowerLawCompression compression;
    private final float[] segment;

    public SpectrogramExtractor(SpectrogramSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.fitter = new SegmentFitter(spec);
        this.stft = new Stft(spec);
        this.compression = new PowerLawCompression(spec.compressionPower());
        this.segment = new float[spec.segmentSamples()];
    }

    /** The spectrogram of mono PCM already at {@code spec.sampleRate()}; {@code pcm} must not be empty. */
    public Spectrogram extract(float[] pcm) {
        boolean tiled = fitter.fitInto(pcm, segment);
        float[] data = new float[stft.outputLength()];
        stft.transform(segment, compression, data);
        return new Spectrogram(data, spec.frames(), spec.bins(), tiled, rms(segment));
    }

    /** The spectrogram of a decoded segment; its sample rate must be the spec's. */
    public Spectrogram extract(DecodedAudio audio) {
        Objects.requireNonNull(audio, "audio");
        if (audio.sampleRate() != spec.sampleRate()) {
            throw new IllegalArgumentException("Audio is at " + audio.sampleRate() + " Hz but the spectrogram spec needs "
                    + spec.sampleRate() + " Hz.");
        }
        return extract(audio.samples());
    }

    public SpectrogramSpec spec() {
        return spec;
    }

    /** Four partial sums break the add dependency chain (the JIT keeps double sums in order) at no cost in accuracy. */
    static double rms(float[] x) {
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        int i = 0;
        for (; i + 3 < x.length; i += 4) {
            s0 += (double) x[i] * x[i];
            s1 += (double) x[i + 1] * x[i + 1];
            s2 += (double) x[i + 2] * x[i + 2];
            s3 += (double) x[i + 3] * x[i + 3];
        }
        for (; i < x.length; i++) {
            s0 += (double) x[i] * x[i];
        }
        return Math.sqrt((s0 + s1 + s2 + s3) / x.length);
    }
}
