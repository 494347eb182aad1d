package org.speech2face.jobs.generate;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.speech2face.jobs.io.AtomicFiles;

import java.io.IOException;

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
        AtomicFiles.bytes(target, png, fs);
    }
}
