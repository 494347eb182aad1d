package org.speech2face.data;

import org.speech2face.contracts.RejectReason;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.List;

/**
 * Finds {@code <videos>/<youtube_id>.<ext>} on any Hadoop file system and hands back a local file FFmpeg can open.
 * Remote files are copied to executor-local disk first: an MP4 whose index sits at the end cannot be streamed, and
 * FFmpeg knows nothing of hdfs: or s3a:. Videos go through the executor's {@link RemoteFileCache}, so each is fetched
 * once per executor however many segments and stages read it.
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

    /**
     * A local file to decode. {@link #temporary()} says whether it is a local copy of a remote file; {@link #close()}
     * then deletes it or hands it back to the executor's cache.
     */
    public static final class LocalVideo implements AutoCloseable {
        private final Path source;
        private final java.nio.file.Path file;
        private final boolean temporary;
        private final Runnable release;
        private boolean closed;

        LocalVideo(Path source, java.nio.file.Path file, boolean temporary, Runnable release) {
            this.source = source;
            this.file = file;
            this.temporary = temporary;
            this.release = release;
        }

        public Path source() {
            return source;
        }

        public java.nio.file.Path file() {
            return file;
        }

        public boolean temporary() {
            return temporary;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release.run();
            }
        }
    }

    /**
     * Locates the clip and, on a remote file system, gets its local copy from the executor's cache. On the local file
     * system the clip may be a symbolic link, but only to a file inside {@code input.videos}: nothing outside the
     * configured folders is read.
     *
     * @throws RejectException {@code MISSING_FILE} when no extension matches, {@code OUTSIDE_ROOT} for a link that
     *                         leads out of {@code input.videos}
     */
    public LocalVideo open(String youtubeId, Configuration hadoopConf) throws RejectException, IOException {
        YoutubeId.requireSafe(youtubeId);
        Path root = new Path(videosRoot);
        FileSystem fs = root.getFileSystem(hadoopConf);
        boolean local = isLocal(fs);
        for (String ext : extensions) {
            Path candidate = new Path(root, youtubeId + "." + ext);
            if (local) {
                java.nio.file.Path file = localPath(fs, candidate);
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    requireInside(localPath(fs, root), file, "input.videos");
                }
            }
            FileStatus status;
            try {
                status = fs.getFileStatus(candidate);
            } catch (FileNotFoundException absent) {
                continue;
            }
            if (!status.isFile()) {
                continue;
            }
            if (local) {
                return new LocalVideo(candidate, localPath(fs, candidate), false, () -> { });
            }
            RemoteFileCache.Lease lease = RemoteFileCache.in(localTmp).acquire(fs, status);
            return new LocalVideo(candidate, lease.file(), true, lease::close);
        }
        throw new RejectException(RejectReason.MISSING_FILE, "No video for youtube_id " + youtubeId + " under "
                + videosRoot + " (tried ." + String.join(", .", extensions) + ").");
    }

    /**
     * The clip's file as {@code <bytes>:<modification ms>}, or null when there is none: a reject about a video's
     * content stays until this changes (the video was downloaded again), so a rerun does not decode it again.
     */
    public String fingerprint(String youtubeId, Configuration hadoopConf) throws IOException {
        if (!YoutubeId.isSafe(youtubeId)) {
            return null;
        }
        Path root = new Path(videosRoot);
        FileSystem fs = root.getFileSystem(hadoopConf);
        for (String ext : extensions) {
            try {
                FileStatus status = fs.getFileStatus(new Path(root, youtubeId + "." + ext));
                if (status.isFile()) {
                    return status.getLen() + ":" + status.getModificationTime();
                }
            } catch (FileNotFoundException absent) {
                // try the next extension
            }
        }
        return null;
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
     * A local file FFmpeg can open for {@code source} (a voice recording read once): the file itself on {@code file:},
     * else a temporary copy under {@code localTmp} named {@code tempPrefix...<extension>}, deleted on close.
     */
    public static LocalVideo local(Path source, Configuration hadoopConf, String localTmp, String tempPrefix)
            throws IOException {
        FileSystem fs = source.getFileSystem(hadoopConf);
        if (isLocal(fs)) {
            return new LocalVideo(source, localPath(fs, source), false, () -> { });
        }
        java.nio.file.Path dir = java.nio.file.Path.of(new Path(localTmp).toUri().getPath());
        Files.createDirectories(dir);
        String name = source.getName();
        java.nio.file.Path local = Files.createTempFile(dir, tempPrefix,
                name.contains(".") ? name.substring(name.lastIndexOf('.')) : "");
        fs.copyToLocalFile(false, source, new Path(local.toUri()), true);
        return new LocalVideo(source, local, true, () -> {
            try {
                Files.deleteIfExists(local);
            } catch (IOException ignored) {
                // A leftover temp file is harmless; the executor's tmp is cleaned with it.
            }
        });
    }

    private static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getUri().getScheme());
    }

    private static java.nio.file.Path localPath(FileSystem fs, Path p) {
        return java.nio.file.Path.of(fs.makeQualified(p).toUri());
    }
}
