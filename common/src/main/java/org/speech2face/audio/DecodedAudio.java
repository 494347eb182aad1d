package org.speech2face.audio;

import java.util.Objects;

/**
 * A decoded audio segment: mono PCM at the spectrogram's sample rate, before fitting to 6 s.
 *
 * @param samples            mono samples in [-1, 1], at most one spectrogram segment of them; owned by this record,
 *                           not copied
 * @param sampleRate         sample rate of {@code samples}, in Hz
 * @param segmentDurationS   the segment's length in seconds: {@code samples.length / sampleRate} when all of it was
 *                           decoded, its length from the row's times when it is longer than one spectrogram segment
 *                           (only the start of it is decoded, as only the start is used)
 * @param mediaDurationS     duration of the whole media file as its container reports it, or NaN if it does not
 *                           (or only estimates it from the bitrate)
 */
public record DecodedAudio(float[] samples, int sampleRate, double segmentDurationS, double mediaDurationS) {

    public DecodedAudio {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("Sample rate must be positive, got " + sampleRate + " Hz.");
        }
    }
}
