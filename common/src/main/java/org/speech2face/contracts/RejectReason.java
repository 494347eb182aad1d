package org.speech2face.contracts;

import java.util.Locale;

/**
 * Why an input row could not become an output row: the closed list of codes written to {@code rejects/}. Codes are a
 * stable contract (dashboards and reruns key on them), so a code is never renamed, only added.
 *
 * <p>A <em>retryable</em> reject says nothing about the row's content (the input was missing, or something unexpected
 * happened): a plain rerun does the row again. Any other reject is about the content and stands until the input
 * file changes (its size or modification time, for ingest) or the user asks ({@code --retry-rejects},
 * {@code --only}, {@code --where}).
 */
public enum RejectReason {
    MALFORMED_ROW(false, "Fix the CSV line the message names; the fixed line is a new row and is ingested on the next run."),
    DUPLICATE_ROW(false, "Nothing: the first row with this clip_id was kept. Remove the repeated line to silence it."),
    UNSAFE_ID(false, "Fix the youtube_id: 11 characters of A-Z, a-z, 0-9, '_' or '-'. No file is looked up for it."),
    MISSING_FILE(true, "Download <youtube_id>.<ext> into input.videos (or fix input.videos); the next run tries the row again."),
    CORRUPT_FILE(false, "Download the video again; the next run tries the row again once the file changes."),
    TRUNCATED(false, "Download the file again: it ends before the length its container declares, as an "
            + "interrupted download does."),
    NOT_MEDIA(false, "Replace the file with the real video or recording: this one is something else (an image, a "
            + "web page, an empty file), usually what a failed download left."),
    FRAME_TOO_SMALL(false, "Download the video at a real resolution: its frames are too small to show a face."),
    OUTSIDE_ROOT(false, "Copy the video into input.videos rather than linking to it from elsewhere, or point "
            + "input.videos at the folder that holds it."),
    NO_AUDIO_STREAM(false, "Use a download with an audio track; the next run tries the row again once the file changes."),
    NO_VIDEO_STREAM(false, "Use a download with a video track; the next run tries the row again once the file changes."),
    SEGMENT_OUT_OF_RANGE(false, "Check the row's start and end against the video's length, or download the full video."),
    NO_FACE(false, "Check the row's (x, y) hint; set ingest.faces.hint-only-crop = true to crop around the hint anyway."),
    UNDECODABLE_IMAGE(false, "Redo the clip's face (ingest-faces --only <clip_id>), then face-features --only <clip_id>."),
    INTERNAL_ERROR(true, "The next run tries the row again; if it keeps failing, report the message."),
    TOO_SHORT(false, "Give a voice of at least evaluate.generate.min-seconds."),
    SILENT_AUDIO(false, "Give a recording with speech louder than evaluate.generate.silence-dbfs.");

    private final boolean retryable;
    private final String advice;

    RejectReason(boolean retryable, String advice) {
        this.retryable = retryable;
        this.advice = advice;
    }

    /** The lower-case code stored in the {@code reason_code} column. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a plain rerun tries the row again (the reject says nothing about its content). */
    public boolean retryable() {
        return retryable;
    }

    /** What the user should do about a row rejected for this reason, in one sentence. */
    public String advice() {
        return advice;
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
