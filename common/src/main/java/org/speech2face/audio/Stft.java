package org.speech2face.audio;

import java.util.Objects;

import org.jtransforms.fft.FloatFFT_1D;

import pl.edu.icm.jlargearrays.ConcurrencyUtils;

/**
 * Short-time Fourier transform of one fitted segment, in the layout of the {@code spec} column: frame t, bin f,
 * part c (0 real, 1 imaginary) at {@code ((t * bins) + f) * 2 + c}. Frames start every {@code hop} samples with no
 * centre padding (as TensorFlow's {@code tf.signal.stft}, which Speech2Face used), each windowed by a periodic Hann
 * window {@code w[n] = 0.5 - 0.5 cos(2 pi n / window)} and zero-padded to {@code fftSize}. The sign convention is
 * NumPy's: {@code X[f] = sum_n x[n] w[n] exp(-2 pi i f n / fftSize)}.
 *
 * <p>Not thread-safe: it reuses one FFT buffer across frames so the hot loop allocates nothing. Use one instance per
 * thread (they are cheap). JTransforms' own thread pool is capped at one thread, because Spark already runs one task
 * per core and a 512-point FFT is far too small to split.
 */
public final class Stft {
    static {
        ConcurrencyUtils.setNumberOfThreads(1);
    }

    private final SpectrogramSpec spec;
    private final float[] hann;
    private final float[] frame;
    private final FloatFFT_1D fft;

    public Stft(SpectrogramSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.hann = periodicHann(spec.window());
        this.frame = new float[spec.fftSize()];
        this.fft = new FloatFFT_1D(spec.fftSize());
    }

    /** {@code w[n] = 0.5 - 0.5 cos(2 pi n / length)}: periodic, so overlapping windows sum to a constant. */
    public static float[] periodicHann(int length) {
        float[] w = new float[length];
        for (int n = 0; n < length; n++) {
            w[n] = (float) (0.5 - 0.5 * Math.cos(2.0 * Math.PI * n / length));
        }
        return w;
    }

    /** The complex STFT of {@code segment}, uncompressed, as a new {@code [frames][bins][2]} array. */
    public float[] transform(float[] segment) {
        float[] out = new float[outputLength()];
        transform(segment, null, out);
        return out;
    }

    /**
     * Writes the STFT of {@code segment} (exactly {@code segmentSamples} long) into {@code out}
     * ({@code frames * bins * 2} long), compressing each value on the way out when {@code compression} is not null:
     * doing it while the frame is still in cache is faster than a second pass over 1.2 MB.
     */
    public void transform(float[] segment, PowerLawCompression compression, float[] out) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(out, "out");
        if (segment.length != spec.segmentSamples()) {
            throw new IllegalArgumentException("Segment has " + segment.length + " samples, the STFT expects exactly "
                    + spec.segmentSamples() + "; fit it first.");
        }
        if (out.length != outputLength()) {
            throw new IllegalArgumentException("Output holds " + out.length + " floats, not " + outputLength()
                    + " (" + spec.frames() + " frames x " + spec.bins() + " bins x 2).");
        }
        final int window = spec.window();
        final int hop = spec.hop();
        final int n = spec.fftSize();
        final int frames = spec.frames();
        final int stride = spec.bins() * 2;
        final float[] buf = frame;
        final float[] w = hann;
        for (int t = 0; t < frames; t++) {
            int start = t * hop;
            for (int i = 0; i < window; i++) {
                buf[i] = segment[start + i] * w[i];
            }
            for (int i = window; i < n; i++) {
                buf[i] = 0.0f;
            }
            // In place; buf = [Re0, Re(n/2), Re1, Im1, ..., Re(n/2-1), Im(n/2-1)] with Im = -sum x sin (NumPy's sign).
            fft.realForward(buf);
            int o = t * stride;
            float nyquist = buf[1];
            buf[1] = 0.0f;                      // Im of the DC bin
            if (compression == null) {
                System.arraycopy(buf, 0, out, o, n);
                out[o + n] = nyquist;
            } else {
                compression.apply(buf, 0, out, o, n);
                out[o + n] = compression.apply(nyquist);
            }
            out[o + n + 1] = 0.0f;              // Im of the Nyquist bin
        }
    }

    /** {@code frames * bins * 2}. */
    public int outputLength() {
        return spec.frames() * spec.bins() * 2;
    }

    public SpectrogramSpec spec() {
        return spec;
    }
}
