package org.speech2face.jobs.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DatasetCommitterTest {
    @TempDir
    java.nio.file.Path dir;
    private FileSystem fs;
    private DatasetCommitter committer;
    private Path stagingRoot;
    private Path target;

    @BeforeEach
    void setUp() throws IOException {
        fs = FileSystem.getLocal(new Configuration());
        committer = new DatasetCommitter(fs);
        stagingRoot = new Path(dir.toUri().toString(), "_staging/ingest-faces");
        target = new Path(dir.toUri().toString(), "faces");
    }

    private Path stage(String run, String... parts) throws IOException {
        Path data = new Path(new Path(stagingRoot, run), "data");
        fs.mkdirs(data);
        for (String p : parts) {
            Files.writeString(java.nio.file.Path.of(new Path(data, p).toUri()), p);
        }
        Files.writeString(java.nio.file.Path.of(new Path(data, "_SUCCESS").toUri()), "");
        return new Path(stagingRoot, run);
    }

    @Test
    void commitMovesPartFilesUnderRunPrefixedNamesAndDeletesStaging() throws IOException {
        Path staging = stage("run1", "part-0.parquet", "part-1.parquet");
        committer.commit(staging, new DatasetCommitter.Plan("run1", List.of(),
                List.of(new DatasetCommitter.Move(new Path(staging, "data").toString(), target.toString()))));
        assertThat(committer.partFiles(target)).extracting(Path::getName)
                .containsExactlyInAnyOrder("run1-part-0.parquet", "run1-part-1.parquet");
        assertThat(fs.exists(staging)).isFalse();
    }

    @Test
    void recoverDeletesRunsThatNeverCommitted() throws IOException {
        Path staging = stage("run2", "part-0.parquet");
        assertThat(committer.recover(stagingRoot)).isEqualTo(new DatasetCommitter.Recovery(List.of(), List.of("run2")));
        assertThat(fs.exists(staging)).isFalse();
        assertThat(committer.partFiles(target)).isEmpty();
    }

    @Test
    void recoverFinishesACommitInterruptedHalfWay() throws IOException {
        fs.mkdirs(target);
        Path old = new Path(target, "old-part.parquet");
        Files.writeString(java.nio.file.Path.of(old.toUri()), "old");
        Path staging = stage("run3", "part-0.parquet", "part-1.parquet");
        DatasetCommitter.Plan plan = new DatasetCommitter.Plan("run3", List.of(old.toString()),
                List.of(new DatasetCommitter.Move(new Path(staging, "data").toString(), target.toString())));
        // Simulate a crash after the plan was written and one file had moved.
        Files.writeString(java.nio.file.Path.of(new Path(staging, "_COMMIT").toUri()),
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(plan));
        fs.rename(new Path(staging, "data/part-0.parquet"), new Path(target, "run3-part-0.parquet"));

        assertThat(committer.recover(stagingRoot)).isEqualTo(new DatasetCommitter.Recovery(List.of("run3"), List.of()));
        assertThat(committer.partFiles(target)).extracting(Path::getName)
                .containsExactlyInAnyOrder("run3-part-0.parquet", "run3-part-1.parquet");
        assertThat(fs.exists(stagingRoot.suffix("/run3"))).isFalse();
    }

    @Test
    void partFilesIgnoresMarkersAndHiddenFiles() throws IOException {
        fs.mkdirs(target);
        for (String n : new String[]{"_SUCCESS", ".tmp", "a.parquet"}) {
            Files.writeString(java.nio.file.Path.of(new Path(target, n).toUri()), "x");
        }
        assertThat(committer.partFiles(target)).extracting(Path::getName).containsExactly("a.parquet");
        assertThat(committer.partFiles(new Path(target, "missing"))).isEmpty();
    }
}
