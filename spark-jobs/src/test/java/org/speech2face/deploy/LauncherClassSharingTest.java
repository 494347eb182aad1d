package org.speech2face.deploy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/s2f's class data sharing, run from a copy of the launcher in a project tree of its own (a built jar, classes,
 * the launcher files) with a {@code java} on the PATH that writes down its arguments, writes the class list it is
 * asked for (as many lines as {@code FAKE_CLASSES} says) and, asked to dump, writes the archive. What the real JVM
 * does with the options (maps the archive, or runs without it when the class path changed) is the JDK's; what is
 * checked here is when the launcher asks for which.
 */
class LauncherClassSharingTest {
    private Path home;
    private Path target;
    private Path jar;
    private Path cds;

    @BeforeEach
    void project(@TempDir Path tmp) throws IOException {
        home = tmp.resolve("home");
        target = Files.createDirectories(home.resolve("spark-jobs/target"));
        Files.createDirectories(home.resolve("bin"));
        Files.copy(ProjectFiles.ROOT.resolve("bin/s2f"), home.resolve("bin/s2f"));
        Files.setPosixFilePermissions(home.resolve("bin/s2f"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(target.resolve("launcher"));
        Files.writeString(target.resolve("launcher/jvm.env"), "S2F_JVM_OPTS=\"-Dfrom.jvm.env=1\"\n");
        Files.writeString(target.resolve("launcher/classpath.txt"), home.resolve("dep.jar").toString());
        Path classFile = Files.createDirectories(target.resolve("classes/org")).resolve("A.class");
        Files.writeString(classFile, "class");
        jar = target.resolve("speech2face-spark-jobs-9.9-SNAPSHOT.jar");
        Files.writeString(jar, "jar");
        Files.writeString(target.resolve("speech2face-spark-jobs-9.9-SNAPSHOT-cpu.jar"), "shaded");
        cds = target.resolve("launcher/cds");
        age(classFile, 60);
        age(target.resolve("launcher/classpath.txt"), 60);
        age(jar, 30);

        Path bin = Files.createDirectories(tmp.resolve("fakebin"));
        Files.writeString(bin.resolve("java"), String.join("\n",
                "#!/usr/bin/env bash",
                "for a in \"$@\"; do",
                "  case \"$a\" in",
                "    -Xshare:dump) dump=1 ;;",
                "    -XX:SharedArchiveFile=*) archive=\"${a#-XX:SharedArchiveFile=}\" ;;",
                "    -XX:DumpLoadedClassList=*) list=\"${a#-XX:DumpLoadedClassList=}\" ;;",
                "  esac",
                "done",
                "if [ -n \"${dump:-}\" ]; then printf 'archive\\n' > \"$archive\"; exit 0; fi",
                "printf '%s\\n' \"$@\" > \"$ARGS_FILE\"",
                "if [ -n \"${list:-}\" ]; then seq 1 \"$FAKE_CLASSES\" | sed 's/^/org\\/C/' > \"$list\"; fi",
                ""));
        Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theFirstSparkCommandListsItsClassesAndTheNextOnesMapTheArchive() throws Exception {
        List<String> first = launch(Map.of("FAKE_CLASSES", "18000"));
        assertThat(first).anyMatch(a -> a.startsWith("-XX:DumpLoadedClassList="))
                .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
        assertThat(classPath(first)).startsWith(jar + ":");
        Path archive = awaitArchive();
        assertThat(archive.getFileName().toString()).matches("s2f-\\d+\\.jsa");
        assertThat(Files.readAllLines(cds.resolve("classes.lst"))).hasSize(18000);

        List<String> next = launch(Map.of("FAKE_CLASSES", "18000"));
        assertThat(next).contains("-XX:SharedArchiveFile=" + archive, "-Xshare:auto")
                .noneMatch(a -> a.startsWith("-XX:DumpLoadedClassList="));
        assertThat(next.indexOf("-XX:SharedArchiveFile=" + archive)).as("before the user's options, in %s", next)
                .isLessThan(next.indexOf("-Xmx8g"));

        age(archive, 5); // a build after the archive was made (bin/s2f touches the class path file): made again
        age(target.resolve("launcher/classpath.txt"), 2);
        Instant rebuild = Instant.now().minusSeconds(1);
        assertThat(launch(Map.of("FAKE_CLASSES", "18000"))).anyMatch(a -> a.startsWith("-XX:DumpLoadedClassList="))
                .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
        awaitArchive();
        assertThat(Files.getLastModifiedTime(archive).toInstant()).isAfter(rebuild);
        assertThat(launch(Map.of("FAKE_CLASSES", "18000"))).contains("-XX:SharedArchiveFile=" + archive);
    }

    @Test
    void aCommandThatLoadsFewClassesMakesNoArchive() throws Exception {
        List<String> args = launch(Map.of("FAKE_CLASSES", "300"));
        assertThat(args).anyMatch(a -> a.startsWith("-XX:DumpLoadedClassList="));
        Thread.sleep(500);
        assertThat(archives()).isEmpty();
        assertThat(cds.resolve("lock")).doesNotExist();
    }

    @Test
    void classesNewerThanTheJarOrClassSharingOffRunFromTheClassesWithoutIt() throws Exception {
        List<String> off = launch(Map.of("FAKE_CLASSES", "18000", "S2F_CDS", "off"));
        assertThat(classPath(off)).startsWith(target.resolve("classes") + ":");
        assertThat(off).noneMatch(a -> a.startsWith("-XX:DumpLoadedClassList=") || a.startsWith("-XX:SharedArchive"));

        age(jar, 90); // compiled since the jar was packaged: the jar is stale
        List<String> stale = launch(Map.of("FAKE_CLASSES", "18000"));
        assertThat(classPath(stale)).startsWith(target.resolve("classes") + ":");
        assertThat(stale).noneMatch(a -> a.startsWith("-XX:DumpLoadedClassList=") || a.startsWith("-XX:SharedArchive"));
        Thread.sleep(500);
        assertThat(archives()).isEmpty();
    }

    private List<String> launch(Map<String, String> env) throws IOException, InterruptedException {
        Path args = home.resolve("java-args");
        Files.deleteIfExists(args);
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/s2f").toString(), "ingest-audio").redirectErrorStream(true);
        pb.environment().put("PATH", home.getParent().resolve("fakebin") + ":" + System.getenv("PATH"));
        pb.environment().put("S2F_NO_BUILD", "1");
        pb.environment().put("TMPDIR", home.getParent().toString());
        pb.environment().put("ARGS_FILE", args.toString());
        pb.environment().remove("S2F_JAVA_OPTS");
        pb.environment().remove("S2F_CDS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return Files.readAllLines(args, StandardCharsets.UTF_8);
    }

    private static String classPath(List<String> args) {
        return args.get(args.indexOf("-cp") + 1);
    }

    private Path awaitArchive() throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < until) {
            List<Path> found = archives();
            if (!found.isEmpty() && !Files.exists(cds.resolve("lock"))) {
                return found.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("No class data sharing archive under " + cds + " after 15 s: " + archives());
    }

    private List<Path> archives() throws IOException {
        if (!Files.isDirectory(cds)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cds)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    /** Sets {@code file}'s time to {@code seconds} ago. */
    private static void age(Path file, long seconds) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(seconds)));
    }
}
