package org.speech2face.data;

import org.speech2face.contracts.RejectReason;
import java.util.Locale;

/**
 * The reader for AVSpeech's CSV contract: no header, {@code youtube_id,start_seconds,end_seconds,x,y}. Each line
 * becomes a segment or a {@link RejectException} that says what is wrong with it; nothing is skipped silently.
 */
public final class AvSpeechCsv {
    private AvSpeechCsv() {
    }

    /** True for lines that carry no row at all (blank, or only whitespace), which are not counted as rows. */
    public static boolean isBlank(String line) {
        return line == null || line.isBlank();
    }

    /**
     * Parses one line.
     *
     * @param line1 1-based line number, used in messages
     */
    public static AvSpeechSegment parse(long line1, String line) throws RejectException {
        String text = line == null ? "" : line.strip();
        String[] f = text.split(",", -1);
        if (f.length != 5) {
            throw new RejectException(RejectReason.MALFORMED_ROW, "Line " + line1 + " has " + f.length
                    + " fields; AVSpeech rows have 5 (youtube_id,start_seconds,end_seconds,x,y).");
        }
        String id = f[0].strip();
        if (id.startsWith("\"") && id.endsWith("\"") && id.length() >= 2) {
            id = id.substring(1, id.length() - 1);
        }
        if (!YoutubeId.isSafe(id)) {
            throw new RejectException(RejectReason.UNSAFE_ID, "Line " + line1 + ": youtube_id '" + YoutubeId.printable(id)
                    + "' is not 11 characters of A-Z, a-z, 0-9, '_' or '-', so no file is looked up for it.");
        }
        double start = number(line1, "start_seconds", f[1]);
        double end = number(line1, "end_seconds", f[2]);
        double x = number(line1, "x", f[3]);
        double y = number(line1, "y", f[4]);
        if (start < 0) {
            throw malformed(line1, "start_seconds " + start + " is negative");
        }
        if (end <= start) {
            throw malformed(line1, "end_seconds " + end + " is not after start_seconds " + start);
        }
        if (x < 0 || x > 1 || y < 0 || y > 1) {
            throw malformed(line1, "the face hint (" + x + ", " + y + ") is outside [0, 1]");
        }
        return new AvSpeechSegment(line1, id, start, end, x, y);
    }

    private static double number(long line1, String field, String raw) throws RejectException {
        String t = raw.strip();
        if (t.isEmpty()) {
            throw malformed(line1, field + " is empty");
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw malformed(line1, field + " '" + YoutubeId.printable(t) + "' is not a number");
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw malformed(line1, field + " is " + t.toLowerCase(Locale.ROOT));
        }
        return v;
    }

    private static RejectException malformed(long line1, String what) {
        return new RejectException(RejectReason.MALFORMED_ROW, "Line " + line1 + ": " + what + ".");
    }
}
