package org.speech2face.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.List;

/**
 * Finds {@code <videos>/<youtube_id>.<ext>} on any Hadoop file system and hands back a local file FFmpeg can open.
 * Remote files are copied to executor-local disk first: an MP4 whose index sits at the end cannot be streamed, and
 * FFmpeg knows nothing of hdfs: or s3a:.
 */
public final class VideoLocator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String videosRoot;
    private final List<String> extensions;
    private final String localTmp;

    public VideoLocator(String videosRoot, List<String> extensions, String localTmp) {
        this.videosRoot = videosRoot;
        this.extensions = List.copyOf(extensions);
        this.localTmp = localTmp;
    }

    /** A local file to decode; {@link #close()} deletes it when it was a temporary copy. */
    public record LocalVideo(Path source, java.nio.file.Path file, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // A leftover temp file is harmless; the executor's tmp is cleaned with it.
                }
            }
        }
    }

    /**
     * Locates and, if needed, copies the clip.
     *
     * @throws RejectException {@code MISSING_FILE} when no extension matches
     */
    public LocalVideo open(String youtubeId, Configuration hadoopConf) throws RejectException, IOException {
        YoutubeId.requireSafe(youtubeId);
        Path root = new Path(videosRoot);
        FileSystem fs = root.getFileSystem(hadoopConf);
        for (String ext : extensions) {
            Path candidate = new Path(root, youtubeId + "." + ext);
            if (fs.isFile(candidate)) {
                if ("file".equals(fs.getUri().getScheme())) {
                    return new LocalVideo(candidate, java.nio.file.Path.of(fs.makeQualified(candidate).toUri()), false);
                }
                java.nio.file.Path dir = java.nio.file.Path.of(new Path(localTmp).toUri().getPath());
                Files.createDirectories(dir);
                java.nio.file.Path local = Files.createTempFile(dir, "s2f-" + youtubeId + "-", "." + ext);
                fs.copyToLocalFile(false, candidate, new Path(local.toUri()), true);
                return new LocalVideo(candidate, local, true);
            }
        }
        throw new RejectException(RejectReason.MISSING_FILE, "No video for youtube_id " + youtubeId + " under "
                + videosRoot + " (tried ." + String.join(", .", extensions) + ").");
    }
}
