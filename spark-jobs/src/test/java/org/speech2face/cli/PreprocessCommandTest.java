package org.speech2face.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.testing.TestSpark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PreprocessCommandTest {
    @Test
    void runsBothIngestStagesAndNothingElse(@TempDir Path root) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = S2f.run(new String[]{"preprocess", "--dry-run", "--set", "data.root=" + root,
                "--set", "input.csv=" + TestSpark.SAMPLE.resolve("avspeech.csv"),
                "--set", "input.videos=" + TestSpark.SAMPLE.resolve("videos"), "--set", "spark.master=local[1]"}, ps, ps);

        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("(dry run): ")))
                .hasSize(2).satisfiesExactly(
                        l -> assertThat(l).startsWith("ingest-faces (dry run): rows_in 17,"),
                        l -> assertThat(l).startsWith("ingest-audio (dry run): rows_in 17,"));
    }
}
