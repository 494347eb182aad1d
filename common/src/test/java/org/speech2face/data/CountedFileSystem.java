package org.speech2face.data;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.net.URI;

/**
 * Real local files under the scheme {@code counted:}, so code takes its remote-file-system path (as for hdfs: or
 * s3a:) while Hadoop's own per-scheme {@link FileSystem.Statistics} count every byte read through it.
 */
public class CountedFileSystem extends RawLocalFileSystem {
    /** Delays each open, so concurrent readers of one file overlap as they would on a slow remote store. */
    static volatile long openDelayMillis;

    @Override
    public URI getUri() {
        return URI.create("counted:///");
    }

    @Override
    public String getScheme() {
        return "counted";
    }

    @Override
    public FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize) throws IOException {
        if (openDelayMillis > 0) {
            try {
                Thread.sleep(openDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return super.open(f, bufferSize);
    }

    /** Bytes read through any instance so far in this JVM. */
    public static long bytesRead() {
        return FileSystem.getStatistics("counted", CountedFileSystem.class).getBytesRead();
    }
}
