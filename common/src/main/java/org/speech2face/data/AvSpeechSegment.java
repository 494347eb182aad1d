package org.speech2face.data;

import java.io.Serializable;

/**
 * One parsed AVSpeech CSV row: a speaking segment of a YouTube clip and where the speaker's face is.
 *
 * @param line       1-based line number in the CSV, for messages
 * @param youtubeId  validated 11-character id, safe to use in a path
 * @param startS     segment start in seconds
 * @param endS       segment end in seconds, greater than the start
 * @param hintX      face centre x as a fraction of the frame width
 * @param hintY      face centre y as a fraction of the frame height
 */
public record AvSpeechSegment(long line, String youtubeId, double startS, double endS, double hintX, double hintY)
        implements Serializable {

    public AvSpeechSegment {
        YoutubeId.requireSafe(youtubeId);
    }

    /** {@code <youtube_id>_<start in ms>}: the key of every per-clip dataset. */
    public String clipId() {
        return clipId(youtubeId, startS);
    }

    public double durationS() {
        return endS - startS;
    }

    public static String clipId(String youtubeId, double startS) {
        return youtubeId + "_" + Math.round(startS * 1000.0);
    }
}
