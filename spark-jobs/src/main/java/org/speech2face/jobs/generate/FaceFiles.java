package org.speech2face.jobs.generate;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.UUID;

/**
 * Generated face PNGs, written where the user asked for them: whole or not at all (a hidden temporary name renamed
 * over the target), and without Hadoop's {@code .<name>.crc} checksum files, which the local file system would put
 * beside every PNG in a folder the user reads with other tools.
 */
public final class FaceFiles {
    private FaceFiles() {
    }

    public static void write(Path target, byte[] png, Configuration conf) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        if (fs instanceof ChecksumFileSystem checksummed) {
            Path crc = checksummed.getChecksumFile(target); // left by a run before checksums were turned off
            fs = checksummed.getRawFileSystem();
            fs.delete(crc, false);
        }
        Path parent = target.getParent();
        fs.mkdirs(parent);
        Path tmp = new Path(parent, "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(png);
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
