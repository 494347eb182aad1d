package org.speech2face.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.speech2face.testing.ChildS2f;

/**
 * One run of deploy/standalone/run-pipeline.sh, as a user would start it, in its own state folder and on free ports
 * (other checkouts on the machine may run a cluster on the default ones). Whatever happens, stop-cluster.sh runs
 * afterwards, and also from a shutdown hook while the run is in progress, so a killed build leaves no daemons.
 */
final class StandaloneClusterRun {
    final Path home;
    final Path state;
    final Path dataRoot;
    final Path log;
    int exitCode = -1;
    double seconds;

    StandaloneClusterRun(Path home, Path dir) {
        this.home = home;
        this.state = dir.resolve("standalone");
        this.dataRoot = dir.resolve("data");
        this.log = dir.resolve("run-pipeline.log");
    }

    /**
     * Runs the script to the end (or {@code timeout}, then stops it), then stops the cluster. {@code s2fArgs} go to
     * both submitted commands.
     */
    StandaloneClusterRun run(Path jar, Duration timeout, String... s2fArgs) throws IOException, InterruptedException {
        int[] ports = freePorts();
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("deploy/standalone/run-pipeline.sh").toString(),
                "file:" + dataRoot));
        cmd.addAll(List.of(s2fArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("S2F_STANDALONE", state.toString());
        env.put("S2F_MASTER_PORT", Integer.toString(ports[0]));
        env.put("S2F_MASTER_UI_PORT", Integer.toString(ports[1]));
        env.put("S2F_WORKER_UI_PORT", Integer.toString(ports[2]));
        env.put("S2F_JAR", jar.toString());
        env.put("S2F_JAVA_OPTS", ChildS2f.SHORT_LIVED_JVM);
        Thread hook = new Thread(this::stopCluster, "stop-standalone-cluster");
        Runtime.getRuntime().addShutdownHook(hook);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            if (p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                exitCode = p.exitValue();
            } else {
                Files.writeString(log, "\nStandaloneClusterRun: no end after " + timeout + "; stopping the script.\n",
                        java.nio.file.StandardOpenOption.APPEND);
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                p.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            seconds = (System.nanoTime() - t0) / 1e9;
            stopCluster();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return this;
    }

    /** Hard-links another run's resolved Spark jars into this run's state, so start-cluster.sh need not resolve them. */
    void reuseSparkJarsOf(StandaloneClusterRun other) throws IOException {
        Path jars = state.resolve("spark/jars");
        Files.createDirectories(jars);
        Files.copy(other.state.resolve("spark-dist-pom.xml"), state.resolve("spark-dist-pom.xml"));
        try (Stream<Path> s = Files.list(other.state.resolve("spark/jars"))) {
            for (Path jar : s.toList()) {
                Files.createLink(jars.resolve(jar.getFileName()), jar);
            }
        }
    }

    private void stopCluster() {
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("deploy/standalone/stop-cluster.sh").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("S2F_STANDALONE", state.toString());
            pb.start().waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Master RPC, master UI, and a worker UI port whose successor is free too (the second worker's). */
    static int[] freePorts() throws IOException {
        int[] out = new int[3];
        for (int i = 0; i < 2; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                out[i] = s.getLocalPort();
            }
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(a.getLocalPort() + 1)) {
                if (a.getLocalPort() != out[0] && a.getLocalPort() != out[1] && b.getLocalPort() != out[0]
                        && b.getLocalPort() != out[1]) {
                    out[2] = a.getLocalPort();
                    return out;
                }
            } catch (IOException busy) {
                // the next port was taken; try another pair
            }
        }
        throw new IOException("Found no two consecutive free ports for the workers' web UIs in 50 attempts.");
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    }

    /** The last lines of the script's output, for assertion messages. */
    String logTail(int lines) throws IOException {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The folders of the drivers the workers ran, in submission order (driver ids end in a sequence number). */
    List<Path> driverDirs() throws IOException {
        return workerChildren("driver-");
    }

    /** The application folders on each worker, executors' logs inside; in submission order. */
    List<Path> appDirs() throws IOException {
        return workerChildren("app-");
    }

    private List<Path> workerChildren(String prefix) throws IOException {
        List<Path> out = new ArrayList<>();
        Path work = state.resolve("work");
        if (!Files.isDirectory(work)) {
            return out;
        }
        try (Stream<Path> workers = Files.list(work)) {
            for (Path w : workers.toList()) {
                try (Stream<Path> s = Files.list(w)) {
                    s.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(out::add);
                }
            }
        }
        out.sort(Comparator.comparing((Path p) -> p.getFileName().toString()));
        return out;
    }

    /** Live processes whose command line names this run's state folder: daemons, drivers, executors. */
    List<String> leftoverProcesses() {
        List<String> out = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(ph -> {
            Path cmdline = Path.of("/proc", Long.toString(ph.pid()), "cmdline");
            try {
                String c = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
                if (c.contains(state.toString()) && ph.isAlive()) {
                    out.add(ph.pid() + ": " + c);
                }
            } catch (IOException gone) {
                // the process ended while we looked
            }
        });
        return out;
    }
}
