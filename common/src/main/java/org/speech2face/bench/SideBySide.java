package org.speech2face.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.speech2face.bench.ModelBenchmark.Net;
import org.speech2face.model.networks.ModelProfile;

/**
 * {@code bench models}: each network timed by this project and by the PyTorch reference, back to back, each in a
 * process of its own (so a peak resident set is that network's alone), with the load average beside every pair. A
 * ratio is printed only when the reference ran on a real BLAS: against Debian's reference BLAS PyTorch's
 * non-oneDNN products run at a few GFLOP/s and any ratio flatters this project.
 */
public final class SideBySide {
    /** Issue 18's goals: speed relative to PyTorch, and for FD also peak memory. */
    private static final Map<Net, double[]> GOALS = Map.of(Net.FD, new double[] {1.0, 1.2},
            Net.SE, new double[] {1.5, Double.NaN}, Net.VGG, new double[] {1.5, Double.NaN});
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Which implementation a measurement is of. */
    public enum Side { DL4J, PYTORCH }

    /** One network timed by one side in a process of its own. */
    public record Measurement(Side side, Net net, int batch, int steps, double secondsPerStep, double cpuSecondsPerStep,
                              double gflopPerSample, double matrixProductGflops, long peakRssBytes,
                              RuntimeDescription runtime) {
        public double samplesPerSecond() {
            return batch / secondsPerStep;
        }

        public double gflopPerSecond() {
            return samplesPerSecond() * gflopPerSample;
        }

        /** Samples per CPU-second times two: the throughput had the process had both cores to itself. */
        public double samplesPerTwoCpuSeconds() {
            return 2 * batch / cpuSecondsPerStep;
        }
    }

    /** Both sides of one network, with the 1-minute load average before and after each. */
    public record Pair(Net net, Measurement dl4j, Measurement pytorch, double[] load, String note) {
        /** DL4J's speed over PyTorch's (samples/s), NaN when there is no valid reference. */
        public double speedRatio() {
            return comparable() ? pytorch.secondsPerStep() / dl4j.secondsPerStep() : Double.NaN;
        }

        public double memoryRatio() {
            return comparable() ? dl4j.peakRssBytes() / (double) pytorch.peakRssBytes() : Double.NaN;
        }

        boolean comparable() {
            return dl4j != null && pytorch != null && !pytorch.runtime().referenceBlas();
        }
    }

    /**
     * What to run and how: {@code java} and {@code jvmOptions} start the DL4J side (this class path);
     * {@code python} runs {@code referenceScript}, or null to skip the reference.
     */
    public record Settings(ModelProfile profile, int batch, int steps, int warmup, List<Net> nets, String java,
                           List<String> jvmOptions, String python, Path referenceScript) {
        public Settings {
            if (batch < 1 || steps < 1 || warmup < 0 || nets.isEmpty()) {
                throw new IllegalArgumentException("bench models needs batch >= 1, steps >= 1, warmup >= 0 and a "
                        + "network; got batch " + batch + ", steps " + steps + ", warmup " + warmup + ", networks " + nets + ".");
            }
            nets = List.copyOf(nets);
            jvmOptions = List.copyOf(jvmOptions);
        }
    }

    private SideBySide() {
    }

    /** Runs every network on both sides, printing as it goes; returns the pairs. */
    public static List<Pair> run(Settings s, Consumer<String> out) throws InterruptedException {
        out.accept(String.format(Locale.ROOT, "bench models: %s profile, batch %d, %d warm-up + %d timed steps; each "
                + "network and side in a process of its own", s.profile().id(), s.batch(), s.warmup(), s.steps()));
        String skipReference = referenceProblem(s);
        if (skipReference != null) {
            out.accept("PyTorch reference not run: " + skipReference);
        }
        List<Pair> pairs = new ArrayList<>();
        for (Net net : s.nets()) {
            double gflop = net.gflopPerSample(s.profile());
            double[] load = new double[4];
            load[0] = ProcessStats.loadAverage()[0];
            List<String> args = List.of(s.profile().id(), String.valueOf(s.batch()), String.valueOf(s.steps()), net.id(),
                    String.valueOf(s.warmup()));
            List<String> jvm = new ArrayList<>();
            jvm.add(s.java());
            jvm.addAll(s.jvmOptions());
            jvm.addAll(List.of("-cp", System.getProperty("java.class.path"), ModelBenchmark.class.getName()));
            jvm.addAll(args);
            Outcome dl4j = measure(jvm, out);
            load[1] = ProcessStats.loadAverage()[0];
            Outcome torch = null;
            if (skipReference == null) {
                load[2] = ProcessStats.loadAverage()[0];
                torch = measure(List.of(s.python(), s.referenceScript().toString(), net.id(), String.valueOf(s.batch()),
                        String.valueOf(s.steps()), String.valueOf(s.warmup()), String.format(Locale.ROOT, "%.4f", gflop)), out);
                load[3] = ProcessStats.loadAverage()[0];
            } else {
                load[2] = load[3] = Double.NaN;
            }
            String note = dl4j.problem != null ? "DL4J side failed: " + dl4j.problem
                    : torch != null && torch.problem != null ? "PyTorch side failed: " + torch.problem : null;
            pairs.add(new Pair(net, dl4j.result, torch == null ? null : torch.result, load, note));
        }
        report(pairs, out);
        return pairs;
    }

    /** Why the reference cannot run or cannot be compared with, or null when it can. */
    static String referenceProblem(Settings s) throws InterruptedException {
        if (s.python() == null || s.referenceScript() == null) {
            return "not asked for.";
        }
        if (s.profile() != ModelProfile.PAPER) {
            return "the reference script has the paper profile only.";
        }
        if (!Files.isRegularFile(s.referenceScript())) {
            return s.referenceScript() + " is missing.";
        }
        Outcome d = measure(List.of(s.python(), s.referenceScript().toString(), "describe"), line -> { });
        if (d.runtime == null) {
            return "'" + s.python() + " " + s.referenceScript() + " describe' failed (" + d.problem + "); install "
                    + "PyTorch and OpenBLAS with bench/install-reference.sh (apt-get install python3-torch "
                    + "libopenblas0-pthread).";
        }
        if (d.runtime.referenceBlas()) {
            return "PyTorch's libblas.so.3 resolves to the reference BLAS (" + d.runtime.blasLibrary() + "), which "
                    + "runs at a few GFLOP/s, so no ratio against it would mean anything; install OpenBLAS with "
                    + "bench/install-reference.sh (apt-get install libopenblas0-pthread; update-alternatives then makes "
                    + "it libblas.so.3) and run again.";
        }
        return null;
    }

    private static void report(List<Pair> pairs, Consumer<String> out) {
        double ceiling = 0;
        for (Pair p : pairs) {
            for (Measurement m : new Measurement[] {p.dl4j(), p.pytorch()}) {
                if (m != null && m.matrixProductGflops() > ceiling) {
                    ceiling = m.matrixProductGflops();
                }
            }
        }
        out.accept("");
        for (Side side : Side.values()) {
            pairs.stream().map(p -> side == Side.DL4J ? p.dl4j() : p.pytorch()).filter(m -> m != null).findFirst()
                    .ifPresent(m -> out.accept(String.format(Locale.ROOT, "%-8s %s", side == Side.DL4J ? "DL4J:" : "PyTorch:",
                            m.runtime().toText())));
        }
        out.accept("glibc:   DL4J " + allocatorSettings(false) + "; PyTorch " + allocatorSettings(true));
        out.accept(String.format(Locale.ROOT, "float32 2048x2048 matrix product, best per process: %s; the machine's "
                + "ceiling below is the highest, %.1f GFLOP/s", ceilings(pairs), ceiling));
        out.accept(String.format(Locale.ROOT, "%-36s %-8s %8s %9s %8s %8s %9s %9s %13s", "network", "side", "s/step",
                "samples/s", "GFLOP/s", "ceiling", "per 2 CPU", "peak RSS", "load 1m"));
        for (Pair p : pairs) {
            row(p.net().label(), Side.DL4J, p.dl4j(), ceiling, p.load()[0], p.load()[1], out);
            row("", Side.PYTORCH, p.pytorch(), ceiling, p.load()[2], p.load()[3], out);
            double[] goal = GOALS.get(p.net());
            if (p.note() != null) {
                out.accept("  " + p.note());
            } else if (p.comparable()) {
                out.accept(String.format(Locale.ROOT, "  DL4J / PyTorch: speed %.2fx (goal >= %.1fx: %s; per CPU-second "
                                + "%.2fx), peak memory %.2fx%s", p.speedRatio(), goal[0],
                        p.speedRatio() >= goal[0] ? "met" : "NOT met",
                        p.dl4j().samplesPerTwoCpuSeconds() / p.pytorch().samplesPerTwoCpuSeconds(),
                        p.memoryRatio(), Double.isNaN(goal[1]) ? "" : String.format(Locale.ROOT, " (goal <= %.1fx: %s)",
                                goal[1], p.memoryRatio() <= goal[1] ? "met" : "NOT met")));
            } else {
                out.accept("  no ratio: no valid reference in this run");
            }
        }
    }

    private static String ceilings(List<Pair> pairs) {
        StringBuilder b = new StringBuilder();
        for (Pair p : pairs) {
            for (Measurement m : new Measurement[] {p.dl4j(), p.pytorch()}) {
                if (m != null) {
                    b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s/%s %.0f",
                            m.side() == Side.DL4J ? "DL4J" : "PyTorch", m.net().id(), m.matrixProductGflops()));
                }
            }
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    private static void row(String label, Side side, Measurement m, double ceiling, double loadBefore, double loadAfter,
                            Consumer<String> out) {
        String name = side == Side.DL4J ? "DL4J" : "PyTorch";
        if (m == null) {
            out.accept(String.format(Locale.ROOT, "%-36s %-8s %8s", label, name, "-"));
            return;
        }
        out.accept(String.format(Locale.ROOT, "%-36s %-8s %8.2f %9.2f %8.1f %7.0f%% %9.2f %5.2f GiB %6.2f->%-6.2f", label,
                name, m.secondsPerStep(), m.samplesPerSecond(), m.gflopPerSecond(), 100 * m.gflopPerSecond() / ceiling,
                m.samplesPerTwoCpuSeconds(), m.peakRssBytes() / (double) (1L << 30), loadBefore, loadAfter));
    }

    /** What one child process printed: its result, its runtime line, or why it had neither. */
    private record Outcome(Measurement result, RuntimeDescription runtime, String problem) {
    }

    /**
     * The environment a side runs in. Both: OMP_WAIT_POLICY=PASSIVE (libgomp's busy-wait hurts either on shared
     * cores) and transparent huge pages for glibc's mapped buffers, which {@code bin/s2f} sets for this project: a
     * page fault is costly in a VM, and PyTorch frees and maps its large tensors as often as oneDNN's buffers are
     * here (its VGGFace forward pass went from 7.5 to 2.3 s a batch with them), so leaving them off the reference
     * would credit this project with the VM's fault cost. The arena settings of {@code bin/s2f} stay on this
     * project's side: the reference keeps glibc's defaults there, as PyTorch users run it.
     */
    static void sideEnvironment(Map<String, String> env, boolean reference) {
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        String tunables = env.getOrDefault("GLIBC_TUNABLES", "");
        if (!(":" + tunables).contains(":glibc.malloc.hugetlb=")) {
            env.put("GLIBC_TUNABLES", (tunables.isEmpty() ? "" : tunables + ":") + "glibc.malloc.hugetlb=1");
        }
        if (reference) {
            env.remove("MALLOC_ARENA_MAX");
            env.remove("MALLOC_MMAP_THRESHOLD_");
        }
    }

    /** The allocator settings {@link #sideEnvironment} gives a side, for the report. */
    static String allocatorSettings(boolean reference) {
        Map<String, String> env = new java.util.TreeMap<>(System.getenv());
        sideEnvironment(env, reference);
        StringBuilder b = new StringBuilder();
        for (String name : new String[] {"MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES"}) {
            if (env.containsKey(name)) {
                b.append(b.length() == 0 ? "" : " ").append(name).append('=').append(env.get(name));
            }
        }
        return b.toString();
    }

    /** Runs {@code command}, echoing its lines indented, and reads its {@code result} / {@code runtime} line. */
    private static Outcome measure(List<String> command, Consumer<String> out) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        sideEnvironment(pb.environment(), !command.get(0).endsWith("java"));
        Measurement result = null;
        RuntimeDescription runtime = null;
        String last = "no output";
        try {
            Process p = pb.start();
            try (BufferedReader rd = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = rd.readLine()) != null) {
                    if (line.startsWith("result ")) {
                        result = JSON.readValue(line.substring("result ".length()), Measurement.class);
                    } else if (line.startsWith("runtime ")) {
                        runtime = JSON.readValue(line.substring("runtime ".length()), RuntimeDescription.class);
                    } else if (!line.isBlank() && !line.contains(" DEBUG ") && !line.startsWith("Added differentiated op")) {
                        out.accept("  | " + line);
                        last = line;
                    }
                }
            }
            int rc = p.waitFor();
            if (rc != 0 || (result == null && runtime == null)) {
                return new Outcome(null, null, "exit status " + rc + ", last line: " + last);
            }
            return new Outcome(result, runtime != null ? runtime : result.runtime(), null);
        } catch (IOException e) {
            return new Outcome(null, null, e.getMessage());
        }
    }
}
