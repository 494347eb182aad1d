package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * The thresholds reach glibc. In a JVM of its own started as bin/s2f starts one (a fresh heap, the environment's
 * 1 MiB threshold): a 30 MiB block comes from the heap while the encoder trains and is a fresh mapping once the
 * environment's thresholds are back (glibc marks a mapped chunk in its header, the word before the block). In this
 * JVM the heap holds whatever the other tests freed, which a block may be served from whatever the threshold says.
 */
class NativeHeapTest {

    @Test
    void theEncoderKeepsLargeBlocksAndTheEnvironmentsThresholdMapsThemAgain() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && Pointer.sizeof(Pointer.class) == 8,
                "glibc's chunk header is read on 64-bit Linux");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()).redirectErrorStream(true);
        pb.environment().put("MALLOC_MMAP_THRESHOLD_", "1048576");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).as(out).contains("while the encoder trains: 33554432, mapped false")
                .contains("as configured: 1048576, mapped true");
    }

    @Test
    void nothingChangesWhereTheEnvironmentSetsNoThresholdOrAHigherOne() {
        OptionalLong before = NativeHeap.currentMmapThreshold();
        NativeHeap.forEncoderTraining(Map.of());
        NativeHeap.asConfigured(Map.of());
        NativeHeap.forEncoderTraining(Map.of("MALLOC_MMAP_THRESHOLD_", String.valueOf(64L << 20)));
        NativeHeap.forEncoderTraining(Map.of("MALLOC_MMAP_THRESHOLD_", "1m")); // not a plain number: glibc ignores it too
        assertThat(NativeHeap.currentMmapThreshold()).isEqualTo(before);
    }

    /** Runs in the child JVM: the encoder's thresholds, then the environment's, a 30 MiB block under each. */
    public static final class Probe {
        public static void main(String[] args) throws IOException {
            long size = 30L << 20;
            NativeHeap.forEncoderTraining();
            Pointer kept = Pointer.malloc(size); // held, so that the next block cannot be this one again
            System.out.println("while the encoder trains: " + NativeHeap.currentMmapThreshold().orElse(-1)
                    + ", mapped " + mapped(kept));
            NativeHeap.asConfigured();
            Pointer again = Pointer.malloc(size);
            System.out.println("as configured: " + NativeHeap.currentMmapThreshold().orElse(-1) + ", mapped "
                    + mapped(again));
            for (Pointer b : List.of(kept, again)) {
                Pointer.free(b);
            }
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
}
