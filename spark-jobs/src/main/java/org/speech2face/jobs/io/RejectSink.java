package org.speech2face.jobs.io;

import org.speech2face.contracts.RejectsDataset;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Task-side writer of the rejects a partition produces while the heavy rows stream to Spark's Parquet writer. Rows
 * are written once, in one pass: persisting gigabytes of spectrograms just to split off a few rejects would double
 * the job's IO. Each task attempt writes its own JSON-lines file; the driver deduplicates by key afterwards, so
 * retried or speculative attempts never count a reject twice.
 */
public final class RejectSink implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Configuration conf;
    private final String runId;
    private FSDataOutputStream out;
    private long count;

    public RejectSink(Path dir, Configuration conf, String runId) {
        this.dir = dir;
        this.conf = conf;
        this.runId = runId;
    }

    public void write(String key, String youtubeId, Long line, String reasonCode, String message, String input) {
        write(key, youtubeId, line, reasonCode, message, input, null);
    }

    /** A reject about the content of an input file, with the file's {@code <bytes>:<mtime ms>} (may be null). */
    public void write(String key, String youtubeId, Long line, String reasonCode, String message, String input,
                      String inputFingerprint) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put(RejectsDataset.KEY, key);
        rec.put("youtube_id", youtubeId);
        rec.put("line", line);
        rec.put("reason_code", reasonCode);
        rec.put("message", message);
        rec.put("input", input);
        rec.put("run_id", runId);
        rec.put(RejectsDataset.FINGERPRINT, inputFingerprint);
        try {
            if (out == null) {
                TaskContext tc = TaskContext.get();
                String name = tc == null ? "driver.jsonl"
                        : String.format("part-%05d-%d.jsonl", tc.partitionId(), tc.taskAttemptId());
                FileSystem fs = dir.getFileSystem(conf);
                out = fs.create(new Path(dir, name), true);
            }
            out.write(JSON.writeValueAsString(rec).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not record a reject under " + dir + ".", e);
        }
    }

    public long count() {
        return count;
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not close the rejects file under " + dir + ".", e);
            } finally {
                out = null;
            }
        }
    }
}
