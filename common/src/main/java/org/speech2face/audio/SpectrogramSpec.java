package org.speech2face.audio;

/**
 * The spectrogram recipe of Speech2Face (after Looking-to-Listen) that AR-SPM reuses: 6 s of 16 kHz mono audio,
 * a 25 ms periodic Hann window every 10 ms, a 512-point FFT and power-law compression of the complex values.
 * The speech encoder's input shape follows from these numbers, so a trained model is tied to one spec. The bounds
 * (an even FFT at least one window long, p in (0, 1], ...) are those of the {@code ingest.audio.*} config keys,
 * checked once when the config is loaded; this record trusts its values.
 *
 * @param sampleRate       sample rate the audio is resampled to, in Hz
 * @param segmentSamples   length every segment is tiled or cut to, in samples
 * @param window           Hann window length in samples (zero-padded to {@code fftSize})
 * @param hop              hop between frames in samples
 * @param fftSize          FFT length; an even number no smaller than {@code window}
 * @param compressionPower exponent p of {@code sgn(x) |x|^p}, applied to real and imaginary parts separately
 */
public record SpectrogramSpec(int sampleRate, int segmentSamples, int window, int hop, int fftSize,
                              double compressionPower) implements java.io.Serializable {

    /** The paper's numbers: 16 kHz, 6 s, window 400, hop 160, FFT 512, p = 0.3, giving 598 x 257 frames x bins. */
    public static final SpectrogramSpec PAPER = new SpectrogramSpec(16_000, 96_000, 400, 160, 512, 0.3);

    /** STFT frames without centre padding: {@code 1 + (segmentSamples - window) / hop}. */
    public int frames() {
        return 1 + (segmentSamples - window) / hop;
    }

    /** One-sided frequency bins: {@code fftSize / 2 + 1}. */
    public int bins() {
        return fftSize / 2 + 1;
    }

    /** Segment length in seconds. */
    public double segmentSeconds() {
        return (double) segmentSamples / sampleRate;
    }
}
