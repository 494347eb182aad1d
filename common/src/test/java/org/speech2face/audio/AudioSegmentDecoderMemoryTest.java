package org.speech2face.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.audio.TestMedia.AudioFormat;
import org.speech2face.audio.TestMedia.Tone;

/**
 * ingest-audio's per-row memory does not grow with the row's length: a 10-minute segment (a row spanning a whole
 * talk, or a hand-edited end time) is decoded and turned into a spectrogram by a JVM with a 32 MiB heap. Holding the
 * decoded segment, as the decoder once did, takes 10 min x 16 kHz x 4 bytes = 38 MB (and twice that while its buffer
 * grows) before it is cut to 6 s; that JVM dies of OutOfMemoryError.
 */
@Tag("slow")
class AudioSegmentDecoderMemoryTest {
    private static final String HEAP = "-Xmx32m";

    @TempDir
    Path dir;

    @Test
    void aTenMinuteSegmentFitsInAThirtyTwoMegabyteHeap() throws Exception {
        Path lecture = TestMedia.writeAudio(dir.resolve("lecture.wav"), AudioFormat.WAV, 8000, 1,
                new Tone(300, 600.0));

        Child child = runChild(lecture, 0.0, 600.0);

        assertThat(child.exitCode).as(child.output).isZero();
        assertThat(child.output).contains("samples 96000, segment 600.000 s, frames 598, heap max");
    }

    private record Child(int exitCode, String output) {
    }

    private static Child runChild(Path file, double startS, double endS) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+UseSerialGC",
                // JavaCPP counts native memory against limits derived from the heap; only the heap is under test.
                "-Dorg.bytedeco.javacpp.maxbytes=1g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0"));
        for (String key : List.of("javacpp.platform", "org.bytedeco.javacpp.platform.extension")) {
            if (System.getProperty(key) != null) {
                cmd.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DecodeInSmallHeap.class.getName(),
                file.toString(), Double.toString(startS), Double.toString(endS)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("The child JVM did not finish in 2 minutes.");
        }
        return new Child(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
