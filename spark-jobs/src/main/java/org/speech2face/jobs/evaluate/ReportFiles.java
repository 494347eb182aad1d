package org.speech2face.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Single report files (Markdown, JSON, PNG) written through Hadoop's FileSystem under a temporary name, then renamed. */
final class ReportFiles {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFiles() {
    }

    static void text(Path target, String text, Configuration conf) throws IOException {
        bytes(target, text.getBytes(StandardCharsets.UTF_8), conf);
    }

    static void json(Path target, Object value, Configuration conf) throws IOException {
        bytes(target, JSON.writeValueAsBytes(value), conf);
    }

    static void bytes(Path target, byte[] content, Configuration conf) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
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
