package org.speech2face.deploy;

import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.exceptions.YarnException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One run of deploy/submit-yarn.sh as a user starts it: from the checkout, with {@code SPARK_HOME} and
 * {@code HADOOP_CONF_DIR} set, its output in a log file. In cluster deploy mode spark-submit waits for the
 * application and exits non-zero when it FAILED. Started in the background, so a test can act while it runs.
 */
final class YarnSubmission {
    final String job;
    final Path log;
    private final MiniYarnHdfs cluster;
    private final Process process;
    private final long started = System.nanoTime();
    int exitCode = -1;
    double seconds;

    private YarnSubmission(String job, Path log, MiniYarnHdfs cluster, Process process) {
        this.job = job;
        this.log = log;
        this.cluster = cluster;
        this.process = process;
    }

    static YarnSubmission start(MiniYarnHdfs cluster, Path sparkHome, Path logDir, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", ProjectFiles.ROOT.resolve("deploy/submit-yarn.sh").toString()));
        cmd.addAll(args);
        String job = args.stream().filter(a -> a.matches("[a-z][a-z-]+") && !a.startsWith("--")).findFirst()
                .orElse("unknown");
        Files.createDirectories(logDir);
        Path log = logDir.resolve(job + "-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ProjectFiles.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("HADOOP_CONF_DIR", cluster.confDir.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("YARN_CONF_DIR");
        return new YarnSubmission(job, log, cluster, pb.start());
    }

    /** Runs the wrapper to its end. */
    static YarnSubmission run(MiniYarnHdfs cluster, Path sparkHome, Path logDir, Duration timeout, String... args)
            throws IOException, InterruptedException, YarnException {
        return start(cluster, sparkHome, logDir, List.of(args)).await(timeout);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the wrapper; after {@code timeout} stops it and kills its YARN application. */
    YarnSubmission await(Duration timeout) throws InterruptedException, IOException, YarnException {
        if (process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            exitCode = process.exitValue();
        } else {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            for (ApplicationReport a : cluster.applications()) {
                if (a.getFinalApplicationStatus() == org.apache.hadoop.yarn.api.records.FinalApplicationStatus.UNDEFINED) {
                    cluster.client().killApplication(a.getApplicationId());
                }
            }
            Files.writeString(log, "\nYarnSubmission: no end after " + timeout + "; stopped.\n",
                    java.nio.file.StandardOpenOption.APPEND);
        }
        seconds = (System.nanoTime() - started) / 1e9;
        return this;
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    String outputTail(int lines) throws IOException {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The YARN application this submission created (named s2f-<job> by the wrapper), if any. */
    Optional<ApplicationReport> application() throws IOException, YarnException {
        return cluster.application("s2f-" + job);
    }

    /** The driver's output: in cluster deploy mode the application master's container logs. */
    String driverLog(String stream) throws IOException, YarnException {
        ApplicationReport app = application().orElseThrow(() -> new IllegalStateException("No application s2f-" + job));
        String am = org.apache.hadoop.yarn.api.records.ContainerId.newContainerId(app.getCurrentApplicationAttemptId(), 1)
                .toString();
        Path dir = cluster.containerLogs(am).orElseThrow(() -> new IllegalStateException("No logs of " + am));
        return Files.readString(dir.resolve(stream), StandardCharsets.UTF_8);
    }
}
