package org.speech2face.data;

import org.speech2face.contracts.RejectReason;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class VideoLocatorTest {
    /** Local disk behind a non-file scheme, so the copy-to-local path runs as it does for hdfs: or s3a:. */
    public static class RemoteLikeFileSystem extends RawLocalFileSystem {
        @Override
        public URI getUri() {
            return URI.create("remote:///");
        }

        @Override
        public String getScheme() {
            return "remote";
        }
    }

    @TempDir
    Path dir;

    @Test
    void findsTheFirstExtensionThatExistsAndUsesLocalFilesInPlace() throws Exception {
        Path videos = Files.createDirectories(dir.resolve("videos"));
        Files.write(videos.resolve("abcdefghijk.webm"), new byte[]{1, 2, 3});
        Files.write(videos.resolve("abcdefghijk.mkv"), new byte[]{9});
        VideoLocator locator = new VideoLocator(videos.toUri().toString(), List.of("mp4", "webm", "mkv"),
                dir.resolve("tmp").toString());
        try (VideoLocator.LocalVideo v = locator.open("abcdefghijk", new Configuration())) {
            assertThat(v.temporary()).isFalse();
            assertThat(v.file()).isEqualTo(videos.resolve("abcdefghijk.webm"));
        }
        assertThat(videos.resolve("abcdefghijk.webm")).exists();
    }

    @Test
    void copiesRemoteVideosToLocalDiskOnceAndVoicesForOneUse() throws Exception {
        Path videos = Files.createDirectories(dir.resolve("remote-videos"));
        byte[] content = "not really a video".getBytes();
        Files.write(videos.resolve("abcdefghijk.mp4"), content);
        Configuration conf = new Configuration();
        conf.set("fs.remote.impl", RemoteLikeFileSystem.class.getName());
        conf.setBoolean("fs.remote.impl.disable.cache", true);
        Path tmp = dir.resolve("executor-tmp");
        VideoLocator locator = new VideoLocator("remote://" + videos, List.of("mp4"), tmp.toString());
        Path local;
        try (VideoLocator.LocalVideo v = locator.open("abcdefghijk", conf)) {
            local = v.file();
            assertThat(v.temporary()).isTrue();
            assertThat(local).startsWith(tmp);
            assertThat(Files.readAllBytes(local)).isEqualTo(content);
        }
        try (VideoLocator.LocalVideo again = locator.open("abcdefghijk", conf)) {
            assertThat(again.file()).as("the executor's cached copy").isEqualTo(local);
        }
        assertThat(local).exists();

        org.apache.hadoop.fs.Path voice = new org.apache.hadoop.fs.Path("remote://" + videos.resolve("abcdefghijk.mp4"));
        Path copy;
        try (VideoLocator.LocalVideo v = VideoLocator.local(voice, conf, tmp.toString(), "s2f-voice-")) {
            copy = v.file();
            assertThat(copy.getFileName().toString()).startsWith("s2f-voice-").endsWith(".mp4");
            assertThat(Files.readAllBytes(copy)).isEqualTo(content);
        }
        assertThat(copy).as("a voice is read once, so its copy goes on close").doesNotExist();
    }

    @Test
    void aMissingClipIsAMissingFileRejectAndUnsafeIdsNeverReachTheFileSystem() throws IOException {
        Path videos = Files.createDirectories(dir.resolve("v"));
        VideoLocator locator = new VideoLocator(videos.toUri().toString(), List.of("mp4", "webm"), dir.toString());
        RejectException e = catchThrowableOfType(() -> locator.open("abcdefghijk", new Configuration()),
                RejectException.class);
        assertThat(e.reason()).isEqualTo(RejectReason.MISSING_FILE);
        assertThat(e.getMessage()).contains("abcdefghijk").contains(".mp4, .webm");
        assertThatThrownBy(() -> locator.open("../../etc/p", new Configuration()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLinkLeadingOutOfTheVideosFolderIsRefusedAndALinkInsideItFollowed() throws Exception {
        Path videos = Files.createDirectories(dir.resolve("in/videos"));
        Path outside = Files.write(Files.createDirectories(dir.resolve("elsewhere")).resolve("secret.mp4"),
                new byte[]{7});
        Files.write(Files.createDirectories(videos.resolve("2024")).resolve("real.mp4"), new byte[]{1});
        Files.createSymbolicLink(videos.resolve("linkOutside.mp4"), outside);
        Files.createSymbolicLink(videos.resolve("linkUpwards.mp4"), Path.of("../../elsewhere/secret.mp4"));
        Files.createSymbolicLink(videos.resolve("linkInside1.mp4"), Path.of("2024/real.mp4"));
        Files.createSymbolicLink(videos.resolve("linkDangles.mp4"), dir.resolve("gone.mp4"));
        VideoLocator locator = new VideoLocator(videos.toUri().toString(), List.of("mp4"), dir.toString());

        for (String id : List.of("linkOutside", "linkUpwards")) {
            assertThatThrownBy(() -> locator.open(id, new Configuration()).close()).as(id)
                    .isInstanceOfSatisfying(RejectException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.OUTSIDE_ROOT))
                    .hasMessage(id + ".mp4 in " + videos + " (input.videos) is a link to " + outside.toRealPath()
                            + ", outside that folder; it is not read.");
        }
        try (VideoLocator.LocalVideo v = locator.open("linkInside1", new Configuration())) {
            assertThat(v.file()).isEqualTo(videos.resolve("linkInside1.mp4"));
        }
        assertThatThrownBy(() -> locator.open("linkDangles", new Configuration()).close())
                .isInstanceOfSatisfying(RejectException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.MISSING_FILE))
                .hasMessage("linkDangles.mp4 is a link to " + dir.resolve("gone.mp4") + ", which does not exist.");
    }

    @Test
    void aVideosFolderThatIsItselfALinkIsTheFolderItLinksTo() throws Exception {
        Path real = Files.createDirectories(dir.resolve("disk2/videos"));
        Files.write(real.resolve("abcdefghijk.mp4"), new byte[]{1});
        Path link = Files.createSymbolicLink(dir.resolve("videos"), real);
        VideoLocator locator = new VideoLocator(link.toUri().toString(), List.of("mp4"), dir.toString());
        try (VideoLocator.LocalVideo v = locator.open("abcdefghijk", new Configuration())) {
            assertThat(Files.readAllBytes(v.file())).containsExactly(1);
        }
    }
}
