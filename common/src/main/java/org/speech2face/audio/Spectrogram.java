package org.speech2face.audio;

import java.util.Objects;

/**
 * The compressed complex spectrogram of one 6 s segment, the speech encoder's input.
 *
 * <p>Data contract (Parquet column {@code spec}, little-endian float32 via
 * {@link org.speech2face.contracts.FloatTensorCodec}): {@code data} is {@code [frames][bins][2]}, time-major: the value
 * of frame t, frequency bin f, part c (0 real, 1 imaginary) sits at {@code ((t * bins) + f) * 2 + c}. The model
 * reads it in DL4J's NCHW as {@code [2, frames, bins]}, i.e. after moving the last axis to the front; storing it
 * time-major keeps each frame's values together, which is how the STFT produces them.
 *
 * @param data   {@code frames * bins * 2} floats; owned by this record, not copied, so do not modify it
 * @param frames number of STFT frames (598 for the paper's spec)
 * @param bins   number of frequency bins (257 for the paper's spec)
 * @param tiled  whether the audio was shorter than the segment and was repeated to fill it
 * @param rms    root mean square of the fitted 6 s waveform, to filter silent clips without decoding again
 */
public record Spectrogram(float[] data, int frames, int bins, boolean tiled, double rms) {

    public Spectrogram {
        Objects.requireNonNull(data, "data");
        if (frames <= 0 || bins <= 0) {
            throw new IllegalArgumentException("Spectrogram needs positive frames and bins, got " + frames + " x "
                    + bins + ".");
        }
        if (data.length != frames * bins * 2) {
            throw new IllegalArgumentException("Spectrogram data holds " + data.length + " floats, not " + frames
                    + " x " + bins + " x 2 = " + frames * bins * 2 + ".");
        }
    }

    /** Index of (frame, bin, part) in {@link #data()}. */
    public static int index(int frame, int bin, int part, int bins) {
        return ((frame * bins) + bin) * 2 + part;
    }

    public float real(int frame, int bin) {
        return data[index(frame, bin, 0, bins)];
    }

    public float imag(int frame, int bin) {
        return data[index(frame, bin, 1, bins)];
    }
}
