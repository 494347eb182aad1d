package org.speech2face.cli;

import org.apache.spark.sql.SparkSession;
import org.speech2face.config.ConfigLoader;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.RerunSelection;
import org.speech2face.jobs.SparkSessions;
import org.speech2face.jobs.ingest.IngestAudioJob;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.KeyedStageJob;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * {@code s2f bench datasets [N]}: what a rerun of a keyed stage costs now that its commit is a Delta MERGE by key.
 * Builds an N-clip root with ingest-audio (real decoding of the sample's videos, {@link BenchClips}), then times on
 * that root, in this order: a no-op rerun, one new CSV line, a 1-row {@code --only}, a 1% {@code --only}, and a
 * full {@code overwrite=true}, each as s2f runs it (the stage's own {@code run} on one session, with the
 * {@link RerunSelection} the command line would build). Bytes are the files each step added to
 * {@code spectrograms/} and {@code rejects/}. Run through bin/s2f, it also times the no-op and the 1-row overwrite
 * as commands ({@link #commands}). The figures are printed, never checked: they depend on the machine's load, which
 * is printed before and after.
 */
final class DatasetsBench {
    /** Runs per repeatable step; the median is reported. The full overwrite runs once. */
    static final int REPEATS = 3;
    /** Pairs of commands (a no-op, then a 1-row overwrite); the medians and each pair's ratio are reported. */
    static final int COMMAND_PAIRS = 5;

    private final CliArgs args;
    private final S2fConfig config;
    private final PrintStream out;
    private final int repeats;

    DatasetsBench(CliArgs args, S2fConfig config, PrintStream out) {
        this(args, config, out, REPEATS);
    }

    /** With {@code repeats} runs of each repeatable step (tests use 1). */
    DatasetsBench(CliArgs args, S2fConfig config, PrintStream out, int repeats) {
        this.args = args;
        this.config = config;
        this.out = out;
        this.repeats = repeats;
    }

    /** One step's figures: the median run's seconds, and bytes and files added (medians). */
    record Step(String name, long rowsDone, double seconds, long files, long bytes) {
    }

    void run(int n) throws Exception {
        Path work = Files.createTempDirectory("s2f-bench-datasets-");
        out.println("Datasets bench: ingest-audio on " + n + " clips of the bundled sample, root " + work.resolve("root"));
        out.println("load before: " + load());
        SparkSession spark = SparkSessions.create(config.spark());
        List<Step> commandSteps = new ArrayList<>();
        try {
            table(inProcess(spark, work, n, (root, csv, key) -> commandSteps.addAll(commands(root, csv, key))));
        } finally {
            spark.stop();
            deleteQuietly(work);
        }
        commandTable(commandSteps);
        out.println("load after: " + load());
        out.println("Goal: a 1-row overwrite costs at most 1.5x a no-op rerun (wall time).");
    }

    /** What runs on the filled root just before the full overwrite: the same steps as commands, in a real run. */
    interface BeforeFullOverwrite {
        void run(Path root, Path csv, String overwrittenKey) throws Exception;
    }

    /**
     * Fills {@code work}/root with {@code n} clips, then times on {@code spark} (which it leaves running): the no-op,
     * +1 row, 1-row and 1% steps, {@code before}, and the full overwrite.
     */
    List<Step> inProcess(SparkSession spark, Path work, int n, BeforeFullOverwrite before) throws Exception {
        Path root = work.resolve("root");
        BenchClips clips = clips(config, n);
        Path csv = clips.write(work.resolve("clips.csv"));
        List<Step> steps = new ArrayList<>();
        Step fill = once(spark, "first ingest (fills the tables)", root, csv, false, List.of());
        out.printf(Locale.ROOT, "Filled spectrograms/ with %d rows in %.1f s (%s).%n", fill.rowsDone(),
                fill.seconds(), bytes(fill.bytes()));
        steps.add(repeated(spark, "no-op rerun", root, i -> csv, false, i -> List.of()));
        steps.add(repeated(spark, "+1 new row", root, i -> clips.extendTo(n + i + 1).write(csv), false,
                i -> List.of()));
        List<String> ids = clips.clipIds();
        String key = ids.get(ids.size() / 2);
        steps.add(repeated(spark, "1-row overwrite (--only 1 key)", root, i -> csv, false, i -> List.of(key)));
        int k = Math.max(1, n / 100);
        List<String> onePercent = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            onePercent.add(ids.get((int) ((long) i * ids.size() / k)));
        }
        steps.add(repeated(spark, "1% overwrite (--only " + k + (k == 1 ? " key)" : " keys)"), root, i -> csv, false,
                i -> onePercent));
        before.run(root, csv, key);
        steps.add(once(spark, "full overwrite (overwrite=true)", root, csv, true, List.of()));
        return steps;
    }

    void table(List<Step> steps) {
        Step noop = steps.get(0);
        out.println();
        out.println("| step | rows done | wall s | x no-op | files added | bytes added | x no-op bytes |");
        out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Step s : steps) {
            out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %d | %s | %s |%n", s.name(), s.rowsDone(), s.seconds(),
                    s.seconds() / noop.seconds(), s.files(), bytes(s.bytes()),
                    noop.bytes() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", (double) s.bytes() / noop.bytes()));
        }
        out.println();
        out.println("Steps other than the full overwrite: median of " + repeats + " runs (the +1 row step adds a new "
                + "line each run). Bytes: files added under spectrograms/ and rejects/ (data, deletion vectors, "
                + "Delta log), run reports left out.");
    }

    /**
     * The no-op rerun and the 1-row overwrite again, each as a user runs it: {@code bin/s2f ingest-audio} in its
     * own JVM, so the JVM's and Spark's start and the first reading of each table's log count, as they do for a
     * scheduled run. In process, the no-op finds every table's state cached from the step before; a command never
     * does. The two alternate, a pair at a time, so that the machine's speed drifting during the bench (it does, on
     * a shared host) weighs on both alike; each pair's ratio is printed too.
     */
    private List<Step> commands(Path root, Path csv, String key) throws Exception {
        String home = System.getenv("S2F_HOME");
        if (home == null || !Files.isExecutable(Path.of(home, "bin", "s2f"))) {
            out.println("As commands: skipped (S2F_HOME is not set; run the bench through bin/s2f to time them).");
            return List.of();
        }
        String noop = "no-op rerun";
        String overwrite = "1-row overwrite (--only 1 key)";
        double[][] seconds = new double[2][COMMAND_PAIRS];
        List<String> ratios = new ArrayList<>();
        for (int i = 0; i < COMMAND_PAIRS; i++) {
            seconds[0][i] = command(home, noop, root, csv, List.of());
            seconds[1][i] = command(home, overwrite, root, csv, List.of("--only", key));
            ratios.add(String.format(Locale.ROOT, "%.2f", seconds[1][i] / seconds[0][i]));
        }
        out.println("  1-row overwrite / no-op, pair by pair: " + String.join(", ", ratios));
        return List.of(medianCommand(noop, 0, seconds[0]), medianCommand(overwrite, 1, seconds[1]));
    }

    private static Step medianCommand(String name, long rowsDone, double[] seconds) {
        double[] sorted = seconds.clone();
        java.util.Arrays.sort(sorted);
        return new Step(name, rowsDone, sorted[sorted.length / 2], 0, 0);
    }

    /** Runs {@code bin/s2f ingest-audio} once on {@code root}; its wall seconds, JVM start to exit. */
    private double command(String home, String name, Path root, Path csv, List<String> extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(home, "bin", "s2f").toString(), "ingest-audio"));
        if (args.confFile() != null) {
            cmd.addAll(List.of("--conf", args.confFile()));
        }
        for (String set : args.sets()) {
            cmd.addAll(List.of("--set", set));
        }
        cmd.addAll(List.of("--set", "data.root=" + root.toAbsolutePath(), "--set", "input.csv=" + csv.toAbsolutePath()));
        cmd.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("S2F_NO_BUILD", "1");
        long t0 = System.nanoTime();
        int rc = pb.start().waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException("The bench's command '" + String.join(" ", cmd) + "' exited with "
                    + rc + "; run it by hand to see why.");
        }
        out.printf(Locale.ROOT, "  %s as a command: %.1f s%n", name, seconds);
        return seconds;
    }

    private void commandTable(List<Step> steps) {
        if (steps.isEmpty()) {
            return;
        }
        out.println();
        out.println("| as a command (bin/s2f ingest-audio, own JVM) | rows done | wall s | x no-op |");
        out.println("| --- | ---: | ---: | ---: |");
        for (Step s : steps) {
            out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f |%n", s.name(), s.rowsDone(), s.seconds(),
                    s.seconds() / steps.get(0).seconds());
        }
        out.println();
        out.println("Median of " + COMMAND_PAIRS + " runs each, alternating, from the JVM's start to its exit.");
    }

    private interface PerRun<T> {
        T get(int run) throws IOException;
    }

    private Step repeated(SparkSession spark, String name, Path root, PerRun<Path> csv, boolean overwrite,
                          PerRun<List<String>> only) throws Exception {
        List<Step> runs = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            runs.add(once(spark, name, root, csv.get(i), overwrite, only.get(i)));
        }
        runs.sort(Comparator.comparingDouble(Step::seconds));
        Step median = runs.get(repeats / 2);
        long[] bytes = runs.stream().mapToLong(Step::bytes).sorted().toArray();
        long[] files = runs.stream().mapToLong(Step::files).sorted().toArray();
        return new Step(name, median.rowsDone(), median.seconds(), files[repeats / 2], bytes[repeats / 2]);
    }

    /** One run of ingest-audio on {@code root}, as {@code s2f ingest-audio} would run it, timed. */
    private Step once(SparkSession spark, String name, Path root, Path csv, boolean overwrite, List<String> only)
            throws Exception {
        S2fConfig cfg = rootConfig(root, csv, overwrite);
        RerunSelection rerun = only.isEmpty() ? RerunSelection.NONE : new RerunSelection(false, only, null);
        FolderGrowth growth = FolderGrowth.watch(List.of(root.resolve(DataLayout.SPECTROGRAMS),
                root.resolve(DataLayout.REJECTS)));
        long t0 = System.nanoTime();
        RunReport r = new IngestAudioJob().run(new JobContext(spark, cfg, JobContext.newRunId(), false,
                OptionalLong.empty(), rerun));
        double seconds = (System.nanoTime() - t0) / 1e9;
        FolderGrowth.Added added = growth.added();
        long done = r.count(KeyedStageJob.Counts.ROWS_IN) - r.count(KeyedStageJob.Counts.UNCHANGED);
        out.printf(Locale.ROOT, "  %s: %s (plan %s s, process %s s, commit %s s)%n", name, S2f.summary(r),
                r.figures().get("plan_seconds"), r.figures().get("process_seconds"), r.figures().get("commit_seconds"));
        return new Step(name, done, seconds, added.files(), added.bytes());
    }

    /** The config of the command line, with {@code data.root} and {@code input.csv} set for the bench. */
    S2fConfig rootConfig(Path root, Path csv, boolean overwrite) {
        List<String> sets = new ArrayList<>(args.sets());
        sets.add("data.root=" + root.toAbsolutePath());
        sets.add("input.csv=" + csv.toAbsolutePath());
        sets.add("overwrite=" + overwrite);
        return ConfigLoader.load(args.confFile(), sets);
    }

    /** {@code n} clips from the configured sample CSV and its videos. */
    static BenchClips clips(S2fConfig config, int n) throws IOException {
        return BenchClips.of(localPath(config.input().csv()), localPath(config.input().videos()),
                config.input().videoExtensions(), n);
    }

    private static Path localPath(String location) {
        URI uri = URI.create(location);
        if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
            throw new CommandFailure("The dataset bench reads the sample from the local disk; input location '"
                    + location + "' is not local.", null);
        }
        return uri.getScheme() == null ? Path.of(location) : Path.of(uri);
    }

    /** The machine's load average, as uptime prints it. */
    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).strip()
                    + " (1, 5, 15 min; running/total; last pid), " + Runtime.getRuntime().availableProcessors()
                    + " cores";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    static String bytes(long b) {
        if (b < 10_000) {
            return b + " B";
        }
        if (b < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", b / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f MB", b / 1e6);
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder; the launcher deletes its tmp dir anyway
        }
    }
}
