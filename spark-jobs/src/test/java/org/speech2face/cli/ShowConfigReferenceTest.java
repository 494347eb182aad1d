package org.speech2face.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code s2f show-config --reference} prints docs/configuration.md, with the local.conf the jar embeds. */
class ShowConfigReferenceTest {
    @Test
    void printsTheCommittedReference() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(S2f.run(new String[]{"show-config", "--reference"}, ps, ps)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .as("regenerate with bin/s2f show-config --reference > docs/configuration.md")
                .isEqualTo(Files.readString(Path.of("..", "docs", "configuration.md")));
    }
}
