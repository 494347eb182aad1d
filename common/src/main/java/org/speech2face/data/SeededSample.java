package org.speech2face.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A reproducible random order of clips: the draw of n clips is the n with the smallest key, the key being SHA-256 of
 * {@code "<seed>:<clip_id>"}. It needs no shuffle of the rows, gives every executor and re-run the same draw, makes
 * the n = 10 draw part of the n = 50 draw (so a convergence table compares nested samples, as a growing average
 * does), and can be recomputed anywhere. Python: {@code int.from_bytes(hashlib.sha256(f"{seed}:{clip_id}".encode())
 * .digest()[:8], 'big', signed=True)}.
 */
public final class SeededSample {
    private SeededSample() {
    }

    /** The clip's place in the order for {@code seed}: first 8 bytes of the digest, big-endian, signed. */
    public static long key(long seed, String clipId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((seed + ":" + clipId).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xFFL);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
        }
    }
}
