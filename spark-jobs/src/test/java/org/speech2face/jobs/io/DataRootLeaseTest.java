package org.speech2face.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.config.DatasetsSettings.WriterLease;

/** The writer lease on a real (local) Hadoop file system: who gets it, who is told to wait, and when it is stale. */
class DataRootLeaseTest {
    private static final Duration SETTLE = Duration.ofMillis(300);
    private static final Duration STALE = Duration.ofMinutes(10);
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    java.nio.file.Path dir;

    private FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration()).getRaw();
    }

    private Path root() {
        return new Path(dir.toUri().toString(), "data");
    }

    private static DataRootLease.Holder holder(String run) {
        return new DataRootLease.Holder(run, "ingest-faces", "host-" + run, 42, "2026-12-05T01:00:00Z");
    }

    @Test
    void autoMeansS3RootsWithDeltasDefaultLogStore() {
        Map<String, String> none = Map.of();
        assertThat(DataRootLease.applies(WriterLease.AUTO, "s3a://bucket/s2f", none)).isTrue();
        assertThat(DataRootLease.applies(WriterLease.AUTO, "S3://bucket/s2f", none)).isTrue();
        assertThat(DataRootLease.applies(WriterLease.AUTO, "hdfs:///speech2face", none)).isFalse();
        assertThat(DataRootLease.applies(WriterLease.AUTO, "/data/s2f", none)).isFalse();
        assertThat(DataRootLease.applies(WriterLease.AUTO, "s3a://bucket/s2f",
                Map.of("spark.delta.logStore.s3a.impl", "io.delta.storage.S3DynamoDBLogStore"))).isFalse();
        assertThat(DataRootLease.applies(WriterLease.ON, "/data/s2f", none)).isTrue();
        assertThat(DataRootLease.applies(WriterLease.OFF, "s3a://bucket/s2f", none)).isFalse();
    }

    @Test
    void aSecondCommandIsToldWhoHoldsTheRootUntilTheFirstReleasesIt() throws Exception {
        FileSystem fs = fs();
        Path file = new Path(root(), DataRootLease.FILE);
        try (DataRootLease first = DataRootLease.acquire(fs, root(), holder("run-a"), SETTLE, STALE, HOUR)) {
            assertThat(new String(Files.readAllBytes(java.nio.file.Path.of(file.toUri())), StandardCharsets.UTF_8))
                    .contains("\"runId\":\"run-a\"");
            assertThatThrownBy(() -> DataRootLease.acquire(fs, root(), holder("run-b"), SETTLE, STALE, HOUR))
                    .isInstanceOf(DataRootLease.Busy.class)
                    .hasMessageContaining("being written by run run-a (ingest-faces on host-run-a, pid 42")
                    .hasMessageContaining("Wait for that run to finish")
                    .hasMessageContaining(fs.makeQualified(file).toString());
        }
        assertThat(fs.exists(file)).as("released").isFalse();
        DataRootLease.acquire(fs, root(), holder("run-b"), SETTLE, STALE, HOUR).close();
    }

    @Test
    void aLeaseUnchangedForTheStaleTimeIsTakenOver() throws Exception {
        FileSystem fs = fs();
        DataRootLease dead = DataRootLease.acquire(fs, root(), holder("run-dead"), SETTLE, STALE, HOUR);
        Path file = new Path(root(), DataRootLease.FILE);
        // the holder died without releasing: its lease stops changing
        fs.setTimes(file, System.currentTimeMillis() - STALE.plusMinutes(1).toMillis(), -1);
        try (DataRootLease next = DataRootLease.acquire(fs, root(), holder("run-next"), SETTLE, STALE, HOUR)) {
            assertThat(new String(Files.readAllBytes(java.nio.file.Path.of(file.toUri())), StandardCharsets.UTF_8))
                    .contains("\"runId\":\"run-next\"");
            dead.close(); // the old holder's release leaves the new holder's lease alone
            assertThat(fs.exists(file)).isTrue();
        }
    }

    @Test
    void theHolderRenewsItsLease() throws Exception {
        FileSystem fs = fs();
        Path file = new Path(root(), DataRootLease.FILE);
        try (DataRootLease lease = DataRootLease.acquire(fs, root(), holder("run-a"), SETTLE, STALE,
                Duration.ofMillis(200))) {
            long first = fs.getFileStatus(file).getModificationTime();
            fs.setTimes(file, first - 60_000, -1);
            Thread.sleep(1500);
            assertThat(fs.getFileStatus(file).getModificationTime()).isGreaterThan(first - 60_000);
        }
    }

    @Test
    void ofCommandsStartingTogetherExactlyOneGetsTheLease() throws Exception {
        FileSystem fs = fs();
        int n = 4;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<DataRootLease>> tries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String run = "run-" + i;
                tries.add(pool.submit(() -> {
                    start.await();
                    return DataRootLease.acquire(fs, root(), holder(run), Duration.ofSeconds(1), STALE, HOUR);
                }));
            }
            start.countDown();
            int got = 0;
            int busy = 0;
            for (Future<DataRootLease> f : tries) {
                try {
                    f.get().close();
                    got++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(DataRootLease.Busy.class);
                    busy++;
                }
            }
            assertThat(got).as("commands that got the lease").isEqualTo(1);
            assertThat(busy).isEqualTo(n - 1);
        } finally {
            pool.shutdownNow();
        }
    }
}
