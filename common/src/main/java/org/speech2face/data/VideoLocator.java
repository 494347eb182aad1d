package org.speech2face.data;

import org.speech2face.contracts.RejectReason;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
     * Locates and, if needed, copies the clip. On the local file system the clip may be a symbolic link, but only to
     * a file inside {@code input.videos}: nothing outside the configured folders is read.
     *
     * @throws RejectException {@code MISSING_FILE} when no extension matches, {@code OUTSIDE_ROOT} for a link that
     *                         leads out of {@code input.videos}
     */
    public LocalVideo open(String youtubeId, Configuration hadoopConf) throws RejectException, IOException {
        YoutubeId.requireSafe(youtubeId);
        Path root = new Path(videosRoot);
        FileSystem fs = root.getFileSystem(hadoopConf);
        boolean local = "file".equals(fs.getUri().getScheme());
        for (String ext : extensions) {
            Path candidate = new Path(root, youtubeId + "." + ext);
            if (local) {
                java.nio.file.Path file = java.nio.file.Path.of(fs.makeQualified(candidate).toUri());
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    requireInside(java.nio.file.Path.of(fs.makeQualified(root).toUri()), file, "input.videos");
                }
            }
            if (fs.isFile(candidate)) {
                return local(candidate, hadoopConf, localTmp, "s2f-" + youtubeId + "-");
            }
        }
        throw new RejectException(RejectReason.MISSING_FILE, "No video for youtube_id " + youtubeId + " under "
                + videosRoot + " (tried ." + String.join(", .", extensions) + ").");
    }

    /**
     * Refuses a local file that resolves (through symbolic links) to a place outside the folder {@code root}: a link
     * in a videos or voices folder must not let a job read what the configuration does not name.
     *
     * @param key the config key or option naming {@code root}, for the message
     * @throws RejectException {@code OUTSIDE_ROOT}, or {@code MISSING_FILE} for a link to nothing
     */
    public static void requireInside(java.nio.file.Path root, java.nio.file.Path file, String key)
            throws RejectException {
        java.nio.file.Path real;
        java.nio.file.Path realRoot;
        try {
            realRoot = root.toRealPath();
            real = file.toRealPath();
        } catch (IOException e) {
            String target = linkTarget(file);
            throw new RejectException(RejectReason.MISSING_FILE, file.getFileName() + " is a link to " + target
                    + ", which does not exist.", e);
        }
        if (!real.startsWith(realRoot)) {
            throw new RejectException(RejectReason.OUTSIDE_ROOT, file.getFileName() + " in " + root + " ("
                    + key + ") is a link to " + real + ", outside that folder; it is not read.");
        }
    }

    private static String linkTarget(java.nio.file.Path file) {
        try {
            return Files.isSymbolicLink(file) ? Files.readSymbolicLink(file).toString() : "(unreadable)";
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    /**
     * A local file FFmpeg can open for {@code source} (a video or a voice recording): the file itself on {@code file:},
     * else a temporary copy under {@code localTmp} named {@code tempPrefix...<extension>}.
     */
    public static LocalVideo local(Path source, Configuration hadoopConf, String localTmp, String tempPrefix)
            throws IOException {
        FileSystem fs = source.getFileSystem(hadoopConf);
        if ("file".equals(fs.getUri().getScheme())) {
            return new LocalVideo(source, java.nio.file.Path.of(fs.makeQualified(source).toUri()), false);
        }
        java.nio.file.Path dir = java.nio.file.Path.of(new Path(localTmp).toUri().getPath());
        Files.createDirectories(dir);
        String name = source.getName();
        java.nio.file.Path local = Files.createTempFile(dir, tempPrefix,
                name.contains(".") ? name.substring(name.lastIndexOf('.')) : "");
        fs.copyToLocalFile(false, source, new Path(local.toUri()), true);
        return new LocalVideo(source, local, true);
    }
}
