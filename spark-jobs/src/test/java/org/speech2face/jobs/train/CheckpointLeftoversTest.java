package org.speech2face.jobs.train;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a training run killed inside {@code Checkpoints.save} leaves, put right by the next run before it starts. */
class CheckpointLeftoversTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void halfWrittenFoldersGoAndAnEpochMovedAsideComesBack() throws Exception {
        Files.write(Files.createDirectories(dir.resolve("epoch-0001")).resolve("model.zip"), new byte[]{1});
        Files.write(Files.createDirectories(dir.resolve(".epoch-0002.1f3a.tmp")).resolve("model.zip"), new byte[]{2});
        // killed between moving epoch 3 aside and renaming its replacement into place
        Files.write(Files.createDirectories(dir.resolve(".epoch-0003.77c0.old")).resolve("model.zip"), new byte[]{3});
        Files.createDirectories(dir.resolve(".epoch-0003.77c0.tmp"));
        // a finished save whose old copy was not yet deleted
        Files.createDirectories(dir.resolve(".epoch-0001.aa00.old"));
        Files.createDirectories(dir.resolve(".unrelated"));

        List<String> notes = CheckpointResume.clearLeftovers(new Path(dir.toUri()), new Configuration());

        try (Stream<java.nio.file.Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("epoch-0001", "epoch-0003", ".unrelated");
        }
        assertThat(Files.readAllBytes(dir.resolve("epoch-0003/model.zip"))).containsExactly(3);
        assertThat(Files.readAllBytes(dir.resolve("epoch-0001/model.zip"))).containsExactly(1);
        assertThat(notes).singleElement().asString()
                .startsWith("A run killed while saving a checkpoint left 4 working folder(s) in file:" + dir)
                .contains(".epoch-0002.1f3a.tmp", ".epoch-0003.77c0.tmp", ".epoch-0001.aa00.old")
                .endsWith("; moved the previous copy of epoch-0003 back in place.");
        assertThat(CheckpointResume.clearLeftovers(new Path(dir.toUri()), new Configuration())).isEmpty();
    }

    @Test
    void aFolderThatDoesNotExistYetHasNothingToClear() throws Exception {
        assertThat(CheckpointResume.clearLeftovers(new Path(dir.resolve("none").toUri()), new Configuration())).isEmpty();
    }
}
