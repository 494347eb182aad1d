package org.speech2face.model.layers;

import java.util.Map;
import java.util.OptionalLong;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * glibc's thresholds for the native buffers of a training step, set per network while the process runs.
 *
 * <p>{@code bin/s2f} and the deploy wrappers start every JVM with {@code MALLOC_MMAP_THRESHOLD_=1048576}: each buffer
 * of a megabyte or more is then a fresh mapping, given back when freed. That keeps the face decoder's step within
 * its memory goal, but on a VM whose balloon reports freed pages to the host every such buffer costs its page faults
 * again (libnd4j's oneDNN calls allocate their blocked copies per call). The speech encoder's step is small (about
 * 2 GiB) and allocates 8-32 MB buffers all through: with glibc keeping buffers up to 32 MiB for reuse, its step took
 * 1.33-1.47 s against 1.56-1.62 s, its peak 2.07-2.11 GiB against 1.90-1.91 GiB (docs/benchmarks.md#se-heap).
 * So {@link #forEncoderTraining} raises the thresholds while the encoder trains and {@link #asConfigured} puts the
 * process's own back, for the decoder's training and after the encoder's; each is a no-op where the environment sets
 * no threshold (glibc's sliding default already keeps such buffers) or sets one at least as high, and where glibc is
 * not the C library.
 */
public final class NativeHeap {
    private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);
    /** glibc's mallopt parameters (malloc.h). */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    /** glibc's default trim threshold, in force when the environment sets a mmap threshold and no trim threshold. */
    private static final long GLIBC_TRIM_DEFAULT = 128 * 1024;
    /** Buffers up to this size are kept for reuse while the encoder trains: glibc's own ceiling for its sliding threshold. */
    static final long ENCODER_MMAP_THRESHOLD = 32L << 20;
    static final long ENCODER_TRIM_THRESHOLD = 64L << 20;

    /** The C library's mallopt, or null where it cannot be reached. */
    interface C extends Library {
        int mallopt(int param, int value);

        int malloc_trim(long pad);
    }

    private static volatile C libc;
    private static volatile boolean loaded;
    /** The thresholds last set here, for tests and logs; empty before any call set them. */
    private static volatile OptionalLong current = OptionalLong.empty();

    private NativeHeap() {
    }

    /** Keeps buffers up to 32 MiB for reuse, where the environment's threshold is lower. */
    public static void forEncoderTraining() {
        forEncoderTraining(System.getenv());
    }

    /**
     * Puts back the environment's thresholds where {@link #forEncoderTraining} raised them, and gives glibc's kept
     * buffers back to the system.
     */
    public static void asConfigured() {
        asConfigured(System.getenv());
    }

    static void forEncoderTraining(Map<String, String> env) {
        OptionalLong mmap = bytes(env, "MALLOC_MMAP_THRESHOLD_");
        if (mmap.isEmpty() || mmap.getAsLong() >= ENCODER_MMAP_THRESHOLD) {
            return;
        }
        long trim = Math.max(bytes(env, "MALLOC_TRIM_THRESHOLD_").orElse(GLIBC_TRIM_DEFAULT), ENCODER_TRIM_THRESHOLD);
        set(ENCODER_MMAP_THRESHOLD, trim);
    }

    static void asConfigured(Map<String, String> env) {
        OptionalLong mmap = bytes(env, "MALLOC_MMAP_THRESHOLD_");
        if (mmap.isEmpty() || current.isEmpty() || current.getAsLong() == mmap.getAsLong()) {
            return;
        }
        set(mmap.getAsLong(), bytes(env, "MALLOC_TRIM_THRESHOLD_").orElse(GLIBC_TRIM_DEFAULT));
        C c = libc();
        if (c != null) {
            c.malloc_trim(0); // what the encoder's buffers left free goes back now, not at the decoder's peak
        }
    }

    /** The mmap threshold last set here; empty if none was. */
    static OptionalLong currentMmapThreshold() {
        return current;
    }

    private static synchronized void set(long mmapThreshold, long trimThreshold) {
        C c = libc();
        if (c == null || (current.isPresent() && current.getAsLong() == mmapThreshold)) {
            return;
        }
        if (c.mallopt(M_MMAP_THRESHOLD, (int) Math.min(Integer.MAX_VALUE, mmapThreshold)) == 1
                && c.mallopt(M_TRIM_THRESHOLD, (int) Math.min(Integer.MAX_VALUE, trimThreshold)) == 1) {
            current = OptionalLong.of(mmapThreshold);
            LOG.info("glibc's mmap threshold is now {} bytes and its trim threshold {} bytes{}.", mmapThreshold,
                    trimThreshold, mmapThreshold == ENCODER_MMAP_THRESHOLD ? " while the speech encoder trains"
                            : ", as the environment sets them");
        }
    }

    private static C libc() {
        if (!loaded) {
            synchronized (NativeHeap.class) {
                if (!loaded) {
                    try {
                        libc = (C) Native.loadLibrary("c", C.class);
                    } catch (Throwable t) { // no JNA natives, or a C library without mallopt (not glibc)
                        LOG.info("glibc's mallopt is not reachable here ({}); the heap keeps the process's settings.",
                                t.toString());
                    }
                    loaded = true;
                }
            }
        }
        return libc;
    }

    /** A byte count from the environment, empty when unset or not a plain non-negative number. */
    private static OptionalLong bytes(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || !v.trim().matches("\\d{1,18}")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(v.trim()));
    }
}
