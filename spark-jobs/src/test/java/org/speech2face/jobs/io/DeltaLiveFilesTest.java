package org.speech2face.jobs.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.testing.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log replay that lets generate read priors without Spark, checked against Delta's own list of files. */
@ExtendWith(SharedSpark.class)
class DeltaLiveFilesTest {
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SharedSpark.session();
    }

    private Set<String> live(Path table) throws Exception {
        return DeltaLiveFiles.of(new org.apache.hadoop.fs.Path(table.toUri()), new Configuration()).stream()
                .map(p -> Path.of(p.toUri()).normalize().toString()).collect(Collectors.toSet());
    }

    private Set<String> deltaSays(Path table) {
        return Arrays.stream(spark.read().format("delta").load(table.toString()).inputFiles())
                .map(f -> Path.of(java.net.URI.create(f)).normalize().toString()).collect(Collectors.toSet());
    }

    @Test
    void theReplayedFilesAreDeltasAcrossACheckpointAndAfterReplacesAndAppends() throws Exception {
        Path table = tmp.resolve("priors");
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(table.toUri());
        DeltaTables.replace(spark, spark.range(0, 3).toDF("n").coalesce(1), dir);
        spark.sql("ALTER TABLE delta.`" + table + "` SET TBLPROPERTIES ('delta.checkpointInterval' = '2')");
        for (int v = 1; v < 4; v++) { // with a checkpoint every 2 commits: one at version 2, then a commit after it
            DeltaTables.replace(spark, spark.range(v, v + 3).toDF("n").coalesce(1), dir);
        }
        spark.range(100, 102).toDF("n").coalesce(1).write().format("delta").mode("append").save(table.toString());
        assertThat(Files.list(table.resolve("_delta_log")).map(p -> p.getFileName().toString()))
                .anyMatch(n -> n.contains(".checkpoint."));
        assertThat(live(table)).hasSize(2).isEqualTo(deltaSays(table));
        assertThat(DeltaLiveFiles.of(new org.apache.hadoop.fs.Path(tmp.resolve("none").toUri()), new Configuration()))
                .isEmpty();
    }

    @Test
    void aTableWithDeletionVectorsIsRefusedWithASentence() throws Exception {
        Path table = tmp.resolve("dv");
        DeltaTables.createIfMissing(spark, new org.apache.hadoop.fs.Path(table.toUri()),
                new org.apache.spark.sql.types.StructType().add("n", "long"), List.of());
        spark.range(0, 50).toDF("n").coalesce(1).write().format("delta").mode("append").save(table.toString());
        spark.sql("DELETE FROM delta.`" + table + "` WHERE n = 3");
        assertThatThrownBy(() -> live(table)).hasMessageContaining("has deletion vectors")
                .hasMessageContaining(table.getFileName().toString());
    }
}
