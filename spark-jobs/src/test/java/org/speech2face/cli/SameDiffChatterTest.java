package org.speech2face.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SameDiffChatterTest {
    @Test
    void onlySameDiffsGradientLinesAreDropped() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new SameDiffChatter(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        out.println("train-decoder: epochs_trained 6");
        out.println("Added differentiated op matmul_3");
        out.print("Added differentiated op in a print is kept, ");
        out.println("and so is this");
        out.println((String) null);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(String.join(System.lineSeparator(),
                "train-decoder: epochs_trained 6", "Added differentiated op in a print is kept, and so is this", "null", ""));
    }
}
