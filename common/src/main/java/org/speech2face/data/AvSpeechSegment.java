package org.speech2face.data;

import java.io.Serializable;

/**
 * One parsed AVSpeech CSV row: a speaking segment of a YouTube clip and where the speaker's face is.
 *
 * @param line       1-based line number in its CSV file, for messages
 * @param youtubeId  validated 11-character id, safe to use in a path
 * @param startS     segment start in seconds, in [0, {@link #MAX_SECONDS})
 * @param endS       segment end in seconds, after the start and at most {@link #MAX_SECONDS}
 * @param hintX      face centre x as a fraction of the frame width
 * @param hintY      face centre y as a fraction of the frame height
 */
public record AvSpeechSegment(long line, String youtubeId, double startS, double endS, double hintX, double hintY)
        implements Serializable {

    /**
     * The latest time a segment may reach: 24 hours. Longer than any video AVSpeech draws from, and small enough that
     * the clip id's milliseconds are exact (a start of 1e300 s would otherwise round to {@code Long.MAX_VALUE}).
     */
    public static final double MAX_SECONDS = 24 * 3600;

    public AvSpeechSegment {
        YoutubeId.requireSafe(youtubeId);
        String problem = timesProblem(startS, endS);
        if (problem != null) {
            throw new IllegalArgumentException("Segment of " + youtubeId + ": " + problem + ".");
        }
    }

    /**
     * What is wrong with a segment's times, as a sentence fragment naming the values, or null when they are a
     * segment: finite, start at least 0, end after start, end at most {@link #MAX_SECONDS}. The CSV reader turns the
     * fragment into a {@code malformed_row} reject; the constructor refuses the same times.
     */
    public static String timesProblem(double startS, double endS) {
        if (!Double.isFinite(startS) || !Double.isFinite(endS)) {
            return "start_seconds " + startS + " and end_seconds " + endS + " must be finite";
        }
        if (startS < 0) {
            return "start_seconds " + startS + " is negative";
        }
        if (startS >= MAX_SECONDS) {
            return "start_seconds " + startS + beyond();
        }
        if (endS <= startS) {
            return "end_seconds " + endS + " is not after start_seconds " + startS;
        }
        if (endS > MAX_SECONDS) {
            return "end_seconds " + endS + beyond();
        }
        return null;
    }

    private static String beyond() {
        return " is beyond " + (long) MAX_SECONDS + " s (24 h), the latest time a segment may reach";
    }

    /** {@code <youtube_id>_<start in ms>}: the key of every per-clip dataset. */
    public String clipId() {
        return youtubeId + "_" + Math.round(startS * 1000.0);
    }

    public double durationS() {
        return endS - startS;
    }
}
