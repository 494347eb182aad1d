package org.speech2face.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The s2f command in its own JVM, as a user starts it: a real second process for kill and concurrency tests. A
 * child still running when the test JVM exits is killed, so a failed test leaves no Spark driver behind.
 */
public final class ChildS2f {
    /**
     * JVM options, space-separated, for the short-lived JVMs the tests start (children, cluster drivers and executors):
     * C1 only and the parallel collector. They run a stage or two over a few clips, too short for C2's compiles to pay
     * back (the standalone cluster run took 203 s with C1 only against 268 s without), and G1's concurrent cycles,
     * started by Spark's 4 MB broadcast blocks, buy nothing there (docs/development.md).
     */
    public static final String SHORT_LIVED_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseParallelGC";

    private final Process process;
    private final Path log;

    private ChildS2f(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code s2f args...} with this JVM's class path and module options; its output goes to {@code log}. */
    public static ChildS2f start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djavacpp") || a.startsWith("-XX:+Ignore")
                        || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
                .forEach(cmd::add);
        cmd.add("-Xmx2g");
        cmd.addAll(List.of(SHORT_LIVED_JVM.split(" ")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.speech2face.cli.S2f"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        return new ChildS2f(p, log);
    }

    public Process process() {
        return process;
    }

    /** Waits for the exit code. */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** The log's last lines, for a failure message. */
    public String describe() {
        try {
            List<String> lines = Files.readAllLines(log);
            return log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return log + " (unreadable: " + e + ")";
        }
    }
}
