package org.speech2face.data;

import java.util.regex.Pattern;

/**
 * AVSpeech's youtube_id, the only user-supplied string that ever becomes part of a path. Anything but eleven
 * characters of {@code [A-Za-z0-9_-]} is refused before it gets near a file system, so a CSV cannot make a job
 * read or write outside its configured roots ({@code ../../etc}, absolute paths, URL-encoded tricks).
 */
public final class YoutubeId {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]{11}");

    private YoutubeId() {
    }

    public static boolean isSafe(String id) {
        return id != null && SAFE.matcher(id).matches();
    }

    /** Returns the id, or throws when it is not safe to put in a path. */
    public static String requireSafe(String id) {
        if (!isSafe(id)) {
            throw new IllegalArgumentException("youtube_id '" + printable(id)
                    + "' is not 11 characters of A-Z, a-z, 0-9, '_' or '-'.");
        }
        return id;
    }

    /** The id with control characters escaped and its length capped, for messages. */
    public static String printable(String id) {
        if (id == null) {
            return "null";
        }
        String s = id.length() > 64 ? id.substring(0, 64) + "..." : id;
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
