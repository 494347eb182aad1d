package org.speech2face.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.testing.SharedSpark;

/** A stage that will not run on what the data root holds says why in one line and exits 1, without a stack trace. */
@ExtendWith(SharedSpark.class)
class StageRefusalTest {
    @TempDir
    Path tmp;

    @Test
    void exportOnAnEmptyDataRootSaysWhichStagesToRunFirst() {
        SharedSpark.session(); // s2f runs its stages on the running session, as an embedding caller's
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path root = tmp.resolve("root");
        int code = S2f.run(new String[] {"export", "--set", "data.root=" + root},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("s2f: There is neither a faces/ nor a spectrograms/"
                + " dataset under " + root.toUri().toString().replaceAll("/$", "") + "; run ingest-faces or ingest-audio first.\n");
    }
}
