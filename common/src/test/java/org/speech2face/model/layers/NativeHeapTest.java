package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.OptionalLong;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The thresholds reach glibc: a 4 MiB block is a fresh mapping under the environment's 1 MiB threshold and comes
 * from the heap while the encoder trains (glibc marks a mapped chunk in its header, the word before the block).
 */
class NativeHeapTest {
    private static final Map<String, String> BIN_S2F = Map.of("MALLOC_MMAP_THRESHOLD_", "1048576");

    /** Leaves the test JVM keeping its buffers, as glibc's sliding default would. */
    @AfterAll
    static void keepBuffers() {
        NativeHeap.forEncoderTraining(BIN_S2F);
    }

    @Test
    void theEncoderKeepsLargeBlocksAndTheDecoderMapsThemAgain() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && Pointer.sizeof(Pointer.class) == 8,
                "glibc's chunk header is read on 64-bit Linux");
        long size = 30L << 20;
        NativeHeap.forEncoderTraining(BIN_S2F);
        assertThat(NativeHeap.currentMmapThreshold()).hasValue(NativeHeap.ENCODER_MMAP_THRESHOLD);
        Pointer kept = Pointer.malloc(size); // held, so that the next block cannot be this one again
        try {
            assertThat(mapped(kept)).as("30 MiB while the encoder trains").isFalse();
            NativeHeap.asConfigured(BIN_S2F);
            assertThat(NativeHeap.currentMmapThreshold()).hasValue(1L << 20);
            Pointer again = Pointer.malloc(size);
            try {
                assertThat(mapped(again)).as("30 MiB under the environment's 1 MiB threshold").isTrue();
            } finally {
                Pointer.free(again);
            }
        } finally {
            Pointer.free(kept);
        }
    }

    @Test
    void nothingChangesWhereTheEnvironmentSetsNoThresholdOrAHigherOne() {
        NativeHeap.forEncoderTraining(BIN_S2F);
        OptionalLong before = NativeHeap.currentMmapThreshold();
        NativeHeap.forEncoderTraining(Map.of());
        NativeHeap.asConfigured(Map.of());
        NativeHeap.forEncoderTraining(Map.of("MALLOC_MMAP_THRESHOLD_", String.valueOf(64L << 20)));
        NativeHeap.forEncoderTraining(Map.of("MALLOC_MMAP_THRESHOLD_", "1m")); // not a plain number: glibc ignores it too
        assertThat(NativeHeap.currentMmapThreshold()).isEqualTo(before);
    }

    /** Whether glibc served block {@code p} as its own mapping (bit 1 of the chunk's size word). */
    private static boolean mapped(Pointer p) {
        long size = new LongPointer(new Pointer() {
            {
                address = p.address() - 8;
            }
        }).get();
        return (size & 2) != 0;
    }
}
