package org.speech2face.audio;

import java.util.Objects;

/**
 * A decoded audio segment: mono PCM at the spectrogram's sample rate, before fitting to 6 s.
 *
 * @param samples            mono samples in [-1, 1]; owned by this record, not copied
 * @param sampleRate         sample rate of {@code samples}, in Hz
 * @param segmentDurationS   duration actually decoded, {@code samples.length / sampleRate}: shorter than asked when
 *                           the segment runs past the end of the media
 * @param mediaDurationS     duration of the whole media file as its container reports it, or NaN if it does not
 */
public record DecodedAudio(float[] samples, int sampleRate, double segmentDurationS, double mediaDurationS) {

    public DecodedAudio {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("Sample rate must be positive, got " + sampleRate + " Hz.");
        }
    }
}
