package org.speech2face.data;

import java.util.Locale;

/**
 * Why an input row could not become an output row. The codes are written to {@code rejects/} and are a stable
 * contract: dashboards and re-run logic key on them, so a code is never renamed, only added.
 */
public enum RejectReason {
    /** A CSV row with a missing or unparsable field, a NaN, or an end before its start. */
    MALFORMED_ROW,
    /** A second CSV row with the clip_id of an earlier one; the first is kept. */
    DUPLICATE_ROW,
    /** A youtube_id that is not 11 characters of {@code [A-Za-z0-9_-]}; it never reaches a path. */
    UNSAFE_ID,
    /** No {@code <youtube_id>.<mp4|webm|mkv>} under the configured videos root. */
    MISSING_FILE,
    /** The file exists but FFmpeg cannot open or decode it (corrupt, truncated, not media at all). */
    CORRUPT_FILE,
    /** The container has no audio stream. */
    NO_AUDIO_STREAM,
    /** The container has no video stream. */
    NO_VIDEO_STREAM,
    /** The CSV segment starts at or after the end of the media. */
    SEGMENT_OUT_OF_RANGE,
    /** No face was detected near the CSV's (x, y) hint on any sampled frame. */
    NO_FACE,
    /** An image column could not be decoded. */
    UNDECODABLE_IMAGE,
    /** Anything unexpected; the message carries the exception so nothing is lost. */
    INTERNAL_ERROR,
    /** (generate) Less audio than the configured minimum: tiling it to 6 s would repeat a fragment. */
    TOO_SHORT,
    /** (generate) Audio whose level is below the silence threshold: there is no voice to draw a face from. */
    SILENT_AUDIO;

    /** The lower-case code stored in the {@code reason_code} column. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reason for a stored code; an unknown code is an error that names it. */
    public static RejectReason fromCode(String code) {
        for (RejectReason r : values()) {
            if (r.code().equals(code)) {
                return r;
            }
        }
        throw new IllegalArgumentException("Unknown reject reason code '" + code + "'.");
    }
}
