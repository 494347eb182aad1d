package org.speech2face.model.networks;

/**
 * The spectrogram as networks read it. spectrograms/ stores {@code [frames][bins][2]} (time, frequency, real/imag:
 * the order the STFT produces), while DL4J's convolutions take channels first, NCHW; this is the one transpose
 * between the two, so every network sees real and imaginary parts as two channels of a time x frequency image.
 */
public final class SpectrogramInput {
    /** Real and imaginary parts. */
    public static final int CHANNELS = 2;

    private SpectrogramInput() {
    }

    /** {@code [frames][bins][2]} to {@code [2][frames][bins]}, both flat and row-major. */
    public static float[] channelsFirst(float[] timeFreqComplex, int frames, int bins) {
        int plane = frames * bins;
        if (timeFreqComplex.length != CHANNELS * plane) {
            throw new IllegalArgumentException("A spectrogram of " + frames + " frames x " + bins + " bins has "
                    + CHANNELS * plane + " values, not " + timeFreqComplex.length + ".");
        }
        float[] out = new float[timeFreqComplex.length];
        for (int i = 0; i < plane; i++) {
            out[i] = timeFreqComplex[2 * i];
            out[plane + i] = timeFreqComplex[2 * i + 1];
        }
        return out;
    }
}
