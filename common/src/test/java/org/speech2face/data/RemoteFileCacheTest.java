package org.speech2face.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remote videos are fetched once per JVM (an executor): the bytes read from the remote file system are counted by
 * Hadoop's own per-scheme statistics of a file system that serves real files under a non-{@code file:} scheme.
 */
class RemoteFileCacheTest {
    @TempDir
    Path dir;
    Path videos;
    Configuration conf;

    @BeforeEach
    void remoteVideos() throws IOException {
        videos = Files.createDirectories(dir.resolve("videos"));
        conf = new Configuration();
        conf.set("fs.counted.impl", CountedFileSystem.class.getName());
        conf.setBoolean("fs.counted.impl.disable.cache", true);
        CountedFileSystem.openDelayMillis = 0;
    }

    private static long bytesRead() {
        return CountedFileSystem.bytesRead();
    }

    private Path video(String id, int size, int seed) throws IOException {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return Files.write(videos.resolve(id + ".mp4"), b);
    }

    private VideoLocator locator(Path tmp) {
        return new VideoLocator("counted://" + videos, List.of("webm", "mp4"), tmp.toString());
    }

    @Test
    void aVideoWithSeveralSegmentsReadByTwoStagesIsFetchedOnce() throws Exception {
        Path file = video("abcdefghijk", 300_000, 1);
        VideoLocator locator = locator(dir.resolve("tmp-once"));
        long before = bytesRead();

        // ingest-faces: three segments, one lease each (as a retried task would); then ingest-audio the same.
        List<Path> copies = new ArrayList<>();
        for (int stage = 0; stage < 2; stage++) {
            for (int segment = 0; segment < 3; segment++) {
                try (VideoLocator.LocalVideo v = locator.open("abcdefghijk", conf)) {
                    copies.add(v.file());
                    assertThat(Files.readAllBytes(v.file())).isEqualTo(Files.readAllBytes(file));
                }
            }
        }

        assertThat(bytesRead() - before).as("bytes read from the remote file system").isEqualTo(300_000);
        assertThat(copies).as("every segment decodes the same local copy").containsOnly(copies.get(0));
        assertThat(RemoteFileCache.in(dir.resolve("tmp-once").toString()).fetches()).isEqualTo(1);
        assertThat(copies.get(0).getParent().getFileName().toString()).startsWith("s2f-remote-");
    }

    @Test
    void aReplacedVideoIsFetchedAgainAndItsStaleCopyDeleted() throws Exception {
        video("abcdefghijk", 1000, 1);
        VideoLocator locator = locator(dir.resolve("tmp-replaced"));
        Path old;
        try (VideoLocator.LocalVideo v = locator.open("abcdefghijk", conf)) {
            old = v.file();
        }
        Path file = video("abcdefghijk", 1500, 2);
        long before = bytesRead();

        try (VideoLocator.LocalVideo v = locator.open("abcdefghijk", conf)) {
            assertThat(Files.readAllBytes(v.file())).isEqualTo(Files.readAllBytes(file));
        }

        assertThat(bytesRead() - before).isEqualTo(1500);
        assertThat(old).doesNotExist();
    }

    @Test
    void tasksAskingForTheSameVideoAtOnceWaitForOneFetch() throws Exception {
        video("abcdefghijk", 200_000, 3);
        VideoLocator locator = locator(dir.resolve("tmp-concurrent"));
        CountedFileSystem.openDelayMillis = 300;
        long before = bytesRead();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Path>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tasks.add(pool.submit(() -> {
                    start.await();
                    try (VideoLocator.LocalVideo v = locator.open("abcdefghijk", conf)) {
                        return v.file();
                    }
                }));
            }
            start.countDown();
            for (Future<Path> t : tasks) {
                assertThat(t.get(30, TimeUnit.SECONDS)).isEqualTo(tasks.get(0).get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(bytesRead() - before).isEqualTo(200_000);
    }

    @Test
    void overItsBudgetTheCacheDeletesTheLeastRecentlyUsedIdleCopiesButNeverOneInUse() throws Exception {
        Path tmp = dir.resolve("tmp-budget");
        RemoteFileCache cache = new RemoteFileCache(tmp, 2500);
        FileSystem fs = FileSystem.get(URI.create("counted:///"), conf);
        List<org.apache.hadoop.fs.FileStatus> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            video("video" + i + "abcd", 1000, i);
            files.add(fs.getFileStatus(new org.apache.hadoop.fs.Path("counted://" + videos.resolve("video" + i + "abcd.mp4"))));
        }

        RemoteFileCache.Lease held = cache.acquire(fs, files.get(0));
        try (RemoteFileCache.Lease a = cache.acquire(fs, files.get(1))) {
            assertThat(a.file()).exists();
        }
        try (RemoteFileCache.Lease b = cache.acquire(fs, files.get(2))) {
            assertThat(b.file()).exists();
        }
        assertThat(copies(tmp)).as("3000 bytes over a 2500 budget: the idle, least recently used copy goes")
                .hasSize(2);
        long before = bytesRead();
        try (RemoteFileCache.Lease again = cache.acquire(fs, files.get(2))) {
            assertThat(again.file()).exists();
        }
        assertThat(bytesRead() - before).as("the most recent copy stayed").isZero();
        try (RemoteFileCache.Lease d = cache.acquire(fs, files.get(3))) {
            assertThat(held.file()).as("in use, so kept although the oldest").exists();
            assertThat(d.file()).exists();
        }
        held.close();
        assertThat(copies(tmp)).hasSize(2);
        assertThat(cache.fetches()).isEqualTo(4);
    }

    private static List<Path> copies(Path tmp) throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
