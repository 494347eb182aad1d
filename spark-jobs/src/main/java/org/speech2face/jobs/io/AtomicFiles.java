package org.speech2face.jobs.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Single files (reports, figures, generated faces) written through Hadoop's FileSystem under a hidden temporary name,
 * then renamed over the target, so a reader sees the old file or the new one, never half of one.
 */
public final class AtomicFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AtomicFiles() {
    }

    public static void text(Path target, String text, Configuration conf) throws IOException {
        bytes(target, text.getBytes(StandardCharsets.UTF_8), conf);
    }

    public static void json(Path target, Object value, Configuration conf) throws IOException {
        bytes(target, JSON.writeValueAsBytes(value), conf);
    }

    public static void bytes(Path target, byte[] content, Configuration conf) throws IOException {
        bytes(target, content, target.getFileSystem(conf));
    }

    /** As above, on a file system the caller chose (e.g. a raw local one that writes no checksum files). */
    public static void bytes(Path target, byte[] content, FileSystem fs) throws IOException {
        fs.mkdirs(target.getParent());
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(content);
            }
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("Could not replace " + fs.makeQualified(target) + ".");
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("Could not rename " + tmp + " to " + target + ".");
            }
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
        }
    }
}
