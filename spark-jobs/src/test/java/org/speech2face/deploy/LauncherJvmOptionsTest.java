package org.speech2face.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs bin/s2f with a {@code java} on the PATH that only writes down its arguments, so the JVM options a laptop
 * run gets are read from the launcher itself: the POM's Java 17 list and heap option (from the built
 * {@code launcher/jvm.env}), {@code -Xmx8g} unless told otherwise, and a user's {@code S2F_JAVA_OPTS} after the
 * project's, where the JVM lets the last of two settings win.
 */
class LauncherJvmOptionsTest {

    @Test
    void aLaptopRunGetsThePomsOptionsAndTheUsersComeLast(@TempDir Path tmp) throws Exception {
        List<String> plain = launch(tmp, null);
        assertThat(String.join(" ", plain)).contains(ProjectFiles.jvmOpens()).contains(ProjectFiles.jvmHeap());
        assertThat(plain).contains("-Xmx8g").endsWith("org.speech2face.cli.S2f", "show-config");

        List<String> own = launch(tmp, "-Xmx3g -XX:MaxHeapFreeRatio=70");
        assertThat(own).doesNotContain("-Xmx8g").contains("-Xmx3g", ProjectFiles.jvmHeap());
        assertThat(own.indexOf("-XX:MaxHeapFreeRatio=70")).as("the user's heap option after the project's, in %s", own)
                .isGreaterThan(own.indexOf(ProjectFiles.jvmHeap()));
    }

    /**
     * The arguments bin/s2f gives java for {@code show-config} (the classpath elided), with {@code S2F_JAVA_OPTS}
     * set when not null.
     */
    private static List<String> launch(Path tmp, String javaOpts) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path args = tmp.resolve("java-args");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '" + args + "'\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder(ProjectFiles.ROOT.resolve("bin").resolve("s2f").toString(), "show-config")
                .redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("S2F_NO_BUILD", "1");
        pb.environment().put("TMPDIR", tmp.toString());
        pb.environment().remove("S2F_JAVA_OPTS");
        if (javaOpts != null) {
            pb.environment().put("S2F_JAVA_OPTS", javaOpts);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> words = new ArrayList<>(Files.readAllLines(args, StandardCharsets.UTF_8));
        int cp = words.indexOf("-cp");
        if (cp >= 0) {
            words.set(cp + 1, "<classpath>"); // long, and not what these assertions are about
        }
        return words;
    }
}
