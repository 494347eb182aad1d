package org.speech2face.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The train/val/test split, assigned by {@code youtube_id} so one speaker's video never sits on both sides. The
 * assignment is a pure function of the id (SHA-256, first four bytes as an unsigned integer, modulo 10,000), so
 * every executor and every re-run agree without a lookup table. Python equivalent, for tools and notebooks:
 * {@code int.from_bytes(hashlib.sha256(id.encode()).digest()[:4], 'big') % 10000 / 10000}.
 */
public enum Split {
    TRAIN, VAL, TEST;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The id's position in [0, 1), uniform over ids. */
    public static double fraction(String youtubeId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(youtubeId.getBytes(StandardCharsets.UTF_8));
            long v = ((d[0] & 0xFFL) << 24) | ((d[1] & 0xFFL) << 16) | ((d[2] & 0xFFL) << 8) | (d[3] & 0xFFL);
            return (v % 10_000L) / 10_000.0;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
        }
    }

    /** The split of an id, with {@code trainFraction} and {@code valFraction} of ids in the first two. */
    public static Split of(String youtubeId, double trainFraction, double valFraction) {
        double f = fraction(youtubeId);
        if (f < trainFraction) {
            return TRAIN;
        }
        return f < trainFraction + valFraction ? VAL : TEST;
    }
}
