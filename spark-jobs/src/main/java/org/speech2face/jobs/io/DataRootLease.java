package org.speech2face.jobs.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.DatasetsSettings.WriterLease;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One writing command at a time on a data root whose Delta log store is atomic within one driver only (Delta's
 * default for {@code s3a://}): two drivers committing at once there can both write the same log version, and one
 * commit is lost. HDFS and local disk need no lease; Delta's own conflict detection serialises their writers.
 *
 * <p>The lease is a small JSON file, {@code _writer.lease}, under the root. A command reads it; a holder other than
 * itself whose file changed less than {@code stale} ago makes it stop with a sentence naming that run. Otherwise it
 * writes its own, waits {@code settle} and reads the file back: of two commands that got past the first read
 * together, only the last to write finds itself there (S3 reads its own writes, last writer wins), and the other
 * stops. That holds while a read and the write after it are closer than {@code settle}, which they are by seconds.
 * The holder rewrites the file every {@code heartbeat} and deletes it when done; a command that died leaves a file
 * that goes stale and is taken over, with a warning.
 */
public final class DataRootLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataRootLease.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FILE = "_writer.lease";

    /** Who holds a lease: enough for the user to find the run. */
    public record Holder(String runId, String command, String host, long pid, String started) {
        /** This JVM as the holder of {@code runId} running {@code command}. */
        public static Holder of(String runId, String command) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "unknown host";
            }
            return new Holder(runId, command, host, ProcessHandle.current().pid(), Instant.now().toString());
        }
    }

    /** Why a command did not get the lease; its message is the sentence to print. */
    public static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy(String message) {
            super(message);
        }
    }

    private final FileSystem fs;
    private final Path file;
    private final Holder me;
    private final ScheduledExecutorService heartbeat;

    private DataRootLease(FileSystem fs, Path file, Holder me, Duration every) {
        this.fs = fs;
        this.file = file;
        this.me = me;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "s2f-writer-lease");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether a writing command on {@code dataRoot} needs the lease under {@code mode}: for {@code auto}, an S3 root
     * whose scheme has no log store of the user's choosing in {@code sparkConf}.
     */
    public static boolean applies(WriterLease mode, String dataRoot, Map<String, String> sparkConf) {
        return switch (mode) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> {
                String scheme = new Path(dataRoot).toUri().getScheme();
                scheme = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
                yield (scheme.equals("s3a") || scheme.equals("s3") || scheme.equals("s3n"))
                        && !sparkConf.containsKey("spark.delta.logStore." + scheme + ".impl")
                        && !sparkConf.containsKey("spark.delta.logStore.class");
            }
        };
    }

    /** Takes the lease of {@code root} for {@code me}, or throws {@link Busy} naming the run that holds it. */
    public static DataRootLease acquire(FileSystem fs, Path root, Holder me, Duration settle, Duration stale,
                                        Duration heartbeat) throws IOException {
        Path file = new Path(root, FILE);
        Held held = read(fs, file);
        if (held != null && !held.holder.runId().equals(me.runId())) {
            Duration age = Duration.between(held.changed, Instant.now());
            if (age.compareTo(stale) < 0) {
                throw busy(fs, file, held, age, stale);
            }
            LOG.warn("{}: taking over the writer lease of run {} ({} on {}, pid {}), unchanged for {} min: that run "
                    + "has died or hangs.", me.command(), held.holder.runId(), held.holder.command(),
                    held.holder.host(), held.holder.pid(), age.toMinutes());
        }
        fs.mkdirs(root);
        write(fs, file, me);
        sleep(settle);
        Held after = read(fs, file);
        if (after == null || !after.holder.runId().equals(me.runId())) {
            if (after == null) {
                throw new Busy("Another command removed " + fs.makeQualified(file) + " while this one ("
                        + me.command() + ", run " + me.runId() + ") was taking it; run this command again.");
            }
            throw busy(fs, file, after, Duration.ZERO, stale);
        }
        LOG.info("{}: holds the writer lease {} (run {}).", me.command(), fs.makeQualified(file), me.runId());
        return new DataRootLease(fs, file, me, heartbeat);
    }

    /** Stops the heartbeat and deletes the lease if it is still this command's. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            Held held = read(fs, file);
            if (held != null && held.holder.runId().equals(me.runId())) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            LOG.warn("Could not release the writer lease {}: {}; the next command takes it over once it is stale.",
                    file, e.toString());
        }
    }

    private void beat() {
        try {
            Held held = read(fs, file);
            if (held != null && !held.holder.runId().equals(me.runId())) {
                LOG.error("{}: run {} took over this run's writer lease {}; this run's commits may conflict with it.",
                        me.command(), held.holder.runId(), file);
                return;
            }
            write(fs, file, me);
        } catch (IOException e) {
            LOG.warn("{}: could not renew the writer lease {}: {}", me.command(), file, e.toString());
        }
    }

    private record Held(Holder holder, Instant changed) {
    }

    private static Busy busy(FileSystem fs, Path file, Held held, Duration age, Duration stale) {
        Holder h = held.holder;
        return new Busy(String.format(Locale.ROOT, "The data root is being written by run %s (%s on %s, pid %d, "
                        + "started %s, lease renewed %d s ago); Delta commits on this root are safe for one writer at "
                        + "a time. Wait for that run to finish, or if it is no longer running delete %s (it is taken "
                        + "over by itself after %d min without renewal).", h.runId(), h.command(), h.host(), h.pid(),
                h.started(), age.toSeconds(), fs.makeQualified(file), stale.toMinutes()));
    }

    private static void write(FileSystem fs, Path file, Holder me) throws IOException {
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(JSON.writeValueAsBytes(me));
        }
    }

    /** The lease's holder and last change, or null when there is none; a half-written file is read again. */
    private static Held read(FileSystem fs, Path file) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                FileStatus st = fs.getFileStatus(file);
                try (FSDataInputStream in = fs.open(file)) {
                    return new Held(JSON.readValue(in.readAllBytes(), Holder.class),
                            Instant.ofEpochMilli(st.getModificationTime()));
                }
            } catch (FileNotFoundException e) {
                return null;
            } catch (IOException e) {
                if (attempt == 5) {
                    throw new IOException("Could not read the writer lease " + fs.makeQualified(file) + ": " + e, e);
                }
                sleep(Duration.ofMillis(200));
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while taking the writer lease.", e);
        }
    }
}
