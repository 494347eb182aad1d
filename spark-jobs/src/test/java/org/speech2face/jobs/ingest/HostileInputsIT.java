package org.speech2face.jobs.ingest;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.speech2face.testing.ChildS2f;
import org.speech2face.testing.Lanes;
import org.speech2face.testing.Tables;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.testing.SharedSpark;
import org.speech2face.testing.TestSpark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The hostile-input corpus ({@code samples/hostile-inputs}: phone videos with rotation metadata, truncated downloads,
 * a 1x1 video, a PNG, an HTML page, an empty file and an HLS playlist of a file outside the videos folder under video
 * names, a segment partly past its clip's end, links out of and inside the videos folder) through {@code bin/s2f preprocess}, as a user runs it, in its own JVM with its
 * own temporary folder. Every row ends written or rejected with its specific reason in both ingest stages, and
 * nothing outside {@code data.root} changes: not the inputs' folders, not the temporary folder (the launcher removes
 * the run's folder, Spark's included). A second run is killed with SIGKILL and still leaves no temporary files.
 */
@Tag("slow")
@ExtendWith(SharedSpark.class)
@Execution(ExecutionMode.CONCURRENT)
@Order(3)
@ResourceLock(Lanes.SECOND)
class HostileInputsIT {
    private static final Path CORPUS = TestSpark.SAMPLE.getParent().resolve("hostile-inputs");
    private static final Path LAUNCHER = TestSpark.SAMPLE.getParent().getParent().resolve("bin/s2f");

    /** clip_id -> (ingest-faces outcome, ingest-audio outcome): "written" or the reject's reason code. */
    private static final Map<String, List<String>> EXPECTED = new TreeMap<>(Map.ofEntries(
            entry("phoneRot090_0", List.of("written", "written")),
            entry("phoneRot180_0", List.of("written", "written")),
            entry("phoneRot270_0", List.of("written", "written")),
            entry("tagRotat090_0", List.of("written", "written")),
            entry("tagRotat270_0", List.of("written", "written")),
            entry("truncMp4Cut_0", List.of("truncated", "truncated")),
            entry("truncWebm01_0", List.of("truncated", "truncated")),
            entry("onePixel001_0", List.of("frame_too_small", "written")),
            entry("pngNotVideo_0", List.of("not_media", "not_media")),
            entry("htmlNotVid1_0", List.of("not_media", "not_media")),
            entry("emptyFile01_0", List.of("not_media", "not_media")),
            entry("hlsPlaylist_0", List.of("not_media", "not_media")),
            entry("goodClip001_0", List.of("written", "written")),
            entry("goodClip001_1000", List.of("segment_out_of_range", "segment_out_of_range")),
            entry("goodClip001_1500", List.of("written", "written")),
            entry("linkOutside_0", List.of("outside_root", "outside_root")),
            entry("linkInside1_0", List.of("written", "written"))));

    @TempDir
    Path box;

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void everyHostileRowEndsWrittenOrWithItsReasonAndNothingOutsideTheDataRootChanges() throws Exception {
        Path inputs = copyCorpus();
        Path root = box.resolve("root");
        Path tmp = Files.createDirectories(box.resolve("tmp"));
        Map<Path, String> before = snapshot(box, root);

        Launch run = launch(tmp, "preprocess", "--set", "data.root=" + root, "--set",
                "input.csv=" + inputs.resolve("hostile.csv"), "--set", "input.videos=" + inputs.resolve("videos"));
        assertThat(run.process.waitFor(10, TimeUnit.MINUTES)).as("preprocess finished").isTrue();
        String out = Files.readString(run.log);
        assertThat(run.process.exitValue()).as(out).isZero();

        int rows = EXPECTED.size();
        assertThat(out).contains("ingest-faces: rows_in " + rows + ", ").contains("ingest-audio: rows_in " + rows + ", ");
        Map<String, String> faces = outcomes(root, "faces", "ingest-faces");
        Map<String, String> audio = outcomes(root, "spectrograms", "ingest-audio");
        Map<String, List<String>> got = new TreeMap<>();
        faces.forEach((clip, outcome) -> got.put(clip, List.of(outcome, audio.getOrDefault(clip, "(none)"))));
        assertThat(audio.keySet()).isEqualTo(faces.keySet());
        assertThat(got).isEqualTo(EXPECTED);
        // Rejects name the file and what is wrong with it.
        assertThat(messages(root, "ingest-faces")).contains(
                entry("emptyFile01_0", "emptyFile01.mp4 is an empty file (0 bytes), not a video or a recording."),
                entry("onePixel001_0", "onePixel001.webm has 1x1 frames; a face needs at least 24x24 pixels (the "
                        + "smallest face the detector can see), so none can be in it."));
        assertThat(messages(root, "ingest-audio").get("linkOutside_0")).startsWith("linkOutside.mp4 in ")
                .endsWith("is a link to " + box.resolve("outside/secret.mp4").toRealPath()
                        + ", outside that folder; it is not read.");

        Map<Path, String> after = snapshot(box, root);
        assertThat(after).as("files outside data.root, before and after the run").isEqualTo(before);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("the run's temporary folder").isEmpty();
        }
    }

    @Test
    @ResourceLock(value = Lanes.SHARED_SPARK, mode = ResourceAccessMode.READ)
    void aRunKilledWithSigkillLeavesNoTemporaryFilesAndAStaleFolderIsClearedByTheNextRun() throws Exception {
        Path inputs = copyCorpus();
        Path tmp = Files.createDirectories(box.resolve("tmp"));
        // What a launcher killed with SIGKILL itself leaves: the folder of a process that no longer runs.
        long dead = 4_194_305; // above Linux's largest pid_max (2^22): never a live process
        Path stale = Files.createDirectories(tmp.resolve("s2f-run-" + dead + ".AbCdEf"));
        Files.write(stale.resolve("shuffle_0_0_0.data"), new byte[1024]);

        Launch run = launch(tmp, "ingest-audio", "--set", "data.root=" + box.resolve("root"), "--set",
                "input.csv=" + inputs.resolve("hostile.csv"), "--set", "input.videos=" + inputs.resolve("videos"));
        // Once Spark has made its folders in the run's temporary folder, kill the JVM as the OOM killer would.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (sparkFolders(tmp).isEmpty() && run.process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(sparkFolders(tmp)).as(Files.readString(run.log)).isNotEmpty();
        assertThat(sparkFolders(tmp)).as("Spark's folders, in the run's own folder").allMatch(p -> p.getParent()
                .getFileName().toString().startsWith("s2f-run-" + run.process.pid() + "."));
        assertThat(stale).as("the stale folder, cleared before the run started").doesNotExist();
        ProcessHandle jvm = run.process.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .findFirst().orElseThrow();
        new ProcessBuilder("kill", "-KILL", Long.toString(jvm.pid())).start().waitFor();

        assertThat(run.process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(run.process.exitValue()).as("the launcher passes the JVM's death on").isEqualTo(128 + 9);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("the temporary folder after a killed run").isEmpty();
        }
    }

    private record Launch(Process process, Path log) {
    }

    /** bin/s2f as a user runs it, with {@code tmp} as its TMPDIR and what the build left (no rebuild). */
    private Launch launch(Path tmp, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--set", "spark.master=local[2]", "--set", "progress.interval-seconds=60"));
        Path log = Files.createTempFile(box, "s2f", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TMPDIR", tmp.toString());
        pb.environment().put("S2F_NO_BUILD", "1");
        pb.environment().put("S2F_JAVA_OPTS", "-Xmx2g " + ChildS2f.SHORT_LIVED_JVM);
        return new Launch(pb.start(), log);
    }

    /** The corpus in {@code box/inputs}, with a link out of the videos folder and one inside it. */
    private Path copyCorpus() throws IOException {
        Path inputs = box.resolve("inputs");
        TestSpark.copyTree(CORPUS.resolve("videos"), inputs.resolve("videos"));
        Files.copy(CORPUS.resolve("hostile.csv"), inputs.resolve("hostile.csv"));
        Path secret = Files.createDirectories(box.resolve("outside")).resolve("secret.mp4");
        Files.copy(CORPUS.resolve("videos/goodClip001.mp4"), secret);
        Files.createSymbolicLink(inputs.resolve("videos/linkOutside.mp4"), Path.of("../../outside/secret.mp4"));
        Files.createSymbolicLink(inputs.resolve("videos/linkInside1.mp4"), Path.of("goodClip001.mp4"));
        return inputs;
    }

    private static List<Path> sparkFolders(Path tmp) throws IOException {
        try (Stream<Path> s = Files.walk(tmp, 2)) {
            return s.filter(p -> p.getFileName().toString().startsWith("blockmgr-")).toList();
        }
    }

    /** Every file and folder under {@code dir} but {@code excluded}, files with their size and modification time. */
    private static Map<Path, String> snapshot(Path dir, Path excluded) throws IOException {
        Map<Path, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(p -> !p.startsWith(excluded) && !p.getFileName().toString().endsWith(".log"))
                    .toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                // A folder's own time changes whenever an entry comes or goes (data.root and the log in the test's
                // folder, the run's folder in tmp); its entries are compared instead.
                out.put(dir.relativize(p), a.isDirectory() ? "dir" : a.size() + " bytes @ " + a.lastModifiedTime());
            }
        }
        return out;
    }

    /** The one place this test reads a dataset (a switch of the table format changes only this). */
    private static Dataset<Row> dataset(Path dir) {
        SparkSession spark = SharedSpark.session();
        return Tables.read(spark, dir.toString());
    }

    private static Map<String, String> outcomes(Path root, String dataset, String stage) {
        Map<String, String> out = new TreeMap<>();
        dataset(root.resolve(dataset)).select("clip_id").collectAsList().forEach(r -> out.put(r.getString(0), "written"));
        Tables.rejects(SharedSpark.session(), root, stage).select("row_or_clip", "reason_code").collectAsList()
                .forEach(r -> assertThat(out.put(r.getString(0), r.getString(1))).as(r.getString(0)).isNull());
        return out;
    }

    private static Map<String, String> messages(Path root, String stage) {
        Map<String, String> out = new TreeMap<>();
        Tables.rejects(SharedSpark.session(), root, stage).select("row_or_clip", "message").collectAsList()
                .forEach(r -> out.put(r.getString(0), r.getString(1)));
        return out;
    }
}
