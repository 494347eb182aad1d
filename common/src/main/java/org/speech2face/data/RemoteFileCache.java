package org.speech2face.data;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * Local copies of remote files (videos on hdfs:, s3a: ...) shared by every task of one JVM, so that an executor
 * fetches a video once per run however many segments, stages (preprocess runs ingest-faces, then ingest-audio) or
 * task retries read it. A copy is keyed by the file's qualified path, length and modification time: a replaced
 * file is fetched again and its stale copy dropped. Tasks asking for a file being fetched wait for that one fetch.
 *
 * <p>Copies stay until the cache holds more than its budget (half the disk space free where it was created); then
 * the least recently used copies no task holds are deleted. The folder ({@code <local-tmp>/s2f-remote-<random>}) is
 * this JVM's own and is deleted when the JVM exits; on YARN and Kubernetes it lies in the container's scratch space,
 * which the cluster deletes with the container even when the JVM is killed.
 */
public final class RemoteFileCache {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteFileCache.class);
    private static final Map<java.nio.file.Path, RemoteFileCache> BY_DIR = new ConcurrentHashMap<>();

    private record Key(String path, long length, long modified) {
    }

    private static final class Entry {
        final Key key;
        final CompletableFuture<java.nio.file.Path> ready = new CompletableFuture<>();
        int users;
        long lastUsed;
        long size;

        Entry(Key key) {
            this.key = key;
        }
    }

    /** A copy in use; closing it lets the cache delete the copy when it needs room. */
    public interface Lease extends AutoCloseable {
        java.nio.file.Path file();

        @Override
        void close();
    }

    private final java.nio.file.Path parent;
    private final long budgetBytes;
    private final Map<Key, Entry> entries = new HashMap<>(); // guarded by this
    private java.nio.file.Path dir; // guarded by this; created on first use
    private long bytes; // guarded by this: size of the finished copies
    private long clock; // guarded by this
    private long fetches; // guarded by this

    RemoteFileCache(java.nio.file.Path parent, long budgetBytes) {
        this.parent = parent;
        this.budgetBytes = budgetBytes;
    }

    /** This JVM's cache under the local folder {@code localTmp} (a path or a {@code file:} URI). */
    public static RemoteFileCache in(String localTmp) {
        java.nio.file.Path parent = java.nio.file.Path.of(new Path(localTmp).toUri().getPath()).toAbsolutePath().normalize();
        return BY_DIR.computeIfAbsent(parent, p -> new RemoteFileCache(p, defaultBudget(p)));
    }

    private static long defaultBudget(java.nio.file.Path parent) {
        try {
            Files.createDirectories(parent);
            return Files.getFileStore(parent).getUsableSpace() / 2;
        } catch (IOException e) {
            throw new UncheckedIOException("The local folder " + parent + " for copies of remote videos (ingest.local-tmp)"
                    + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** A local copy of {@code status}'s file, fetched from {@code fs} unless this JVM has it already. */
    public Lease acquire(FileSystem fs, FileStatus status) throws IOException {
        Key key = new Key(fs.makeQualified(status.getPath()).toString(), status.getLen(), status.getModificationTime());
        Entry entry;
        boolean fetch = false;
        synchronized (this) {
            entry = entries.get(key);
            if (entry == null) {
                dropReplaced(key);
                entry = new Entry(key);
                entries.put(key, entry);
                fetch = true;
            }
            entry.users++;
            entry.lastUsed = ++clock;
        }
        if (fetch) {
            try {
                java.nio.file.Path copy = fetch(fs, status.getPath());
                long size = Files.size(copy);
                synchronized (this) {
                    entry.size = size;
                    bytes += size;
                    fetches++;
                }
                entry.ready.complete(copy);
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    entries.remove(key);
                }
                entry.ready.completeExceptionally(e);
            }
        }
        java.nio.file.Path file;
        try {
            file = entry.ready.get();
        } catch (ExecutionException e) {
            synchronized (this) {
                entry.users--;
            }
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException("Copying " + key.path() + " to "
                    + parent + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (this) {
                entry.users--;
            }
            throw new IOException("Interrupted while waiting for " + key.path() + " to be copied.", e);
        }
        synchronized (this) {
            evict();
        }
        Entry held = entry;
        return new Lease() {
            private boolean closed;

            @Override
            public java.nio.file.Path file() {
                return file;
            }

            @Override
            public void close() {
                synchronized (RemoteFileCache.this) {
                    if (!closed) {
                        closed = true;
                        held.users--;
                        held.lastUsed = ++clock;
                        evict();
                    }
                }
            }
        };
    }

    /** How many files this cache has fetched, for tests and logs. */
    public synchronized long fetches() {
        return fetches;
    }

    private java.nio.file.Path fetch(FileSystem fs, Path source) throws IOException {
        java.nio.file.Path folder;
        synchronized (this) {
            if (dir == null || !Files.isDirectory(dir)) {
                Files.createDirectories(parent);
                dir = Files.createTempDirectory(parent, "s2f-remote-");
                java.nio.file.Path created = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(created), "s2f-remote-cache-cleanup"));
            }
            folder = dir;
        }
        String name = source.getName();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.')) : "";
        java.nio.file.Path part = Files.createTempFile(folder, ".fetch-", ext);
        try {
            fs.copyToLocalFile(false, source, new Path(part.toUri()), true);
            java.nio.file.Path copy = Files.createTempFile(folder, "copy-", ext);
            Files.move(part, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Copied {} ({} bytes) to {} for this JVM's tasks.", source, Files.size(copy), folder);
            return copy;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Idle copies of an older version of {@code key}'s file. */
    private void dropReplaced(Key key) {
        entries.values().removeIf(e -> {
            boolean stale = e.key.path().equals(key.path()) && e.users == 0 && e.ready.isDone();
            if (stale) {
                delete(e);
            }
            return stale;
        });
    }

    private void evict() {
        if (bytes <= budgetBytes) {
            return;
        }
        for (Entry e : entries.values().stream().filter(e -> e.users == 0 && e.ready.isDone() && !e.ready.isCompletedExceptionally())
                .sorted(Comparator.comparingLong(e -> e.lastUsed)).toList()) {
            if (bytes <= budgetBytes) {
                return;
            }
            entries.remove(e.key);
            delete(e);
        }
    }

    private void delete(Entry e) {
        java.nio.file.Path copy = e.ready.getNow(null);
        if (copy == null) {
            return;
        }
        bytes -= e.size;
        try {
            Files.deleteIfExists(copy);
        } catch (IOException ignored) {
            // already gone; the folder goes when the JVM exits
        }
    }

    private static void deleteQuietly(java.nio.file.Path dir) {
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // the cluster cleans its scratch space; a leftover on a laptop is in the temp folder
        }
    }
}
