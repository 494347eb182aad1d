package org.speech2face.cli;

import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.train.TrainingBenchmark;
import org.speech2face.bench.LayerTimes;
import org.speech2face.bench.ModelBenchmark;
import org.speech2face.bench.SideBySide;
import org.speech2face.bench.StepMemory;
import org.speech2face.model.networks.ModelProfile;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code s2f bench <what>}: throughput figures printed beside a reference measured in the same run. */
final class BenchCommand implements Command {
    @Override
    public String summary() {
        return "benchmarks: 'bench preprocessing' (face ingest vs decode, spectrograms vs NumPy), "
                + "'bench models [paper|tiny] [se,fd,vgg] [steps] [warm-up]' (SE and FD training steps and VGGFace forward beside PyTorch, each in its own process), "
                + "'bench training [decoder|encoder] [tiny|paper] [minibatches per round]' (samples/s on one and two executors, cost of an "
                + "averaging round; paper: the decoder before and after issue 18 on one executor, 1 minibatch per round unless told), "
                + "'bench layers [paper|tiny] [batch] [current|legacy|encoder]' (seconds per layer of the FD, or SE, training step), "
                + "'bench memory [paper|tiny] [batch] [steps]' (resident memory of the FD training step, stage by stage), "
                + "'bench detectors' (Haar vs SSD MobileNet: detection rate and crop agreement, rotated and turned faces), "
                + "'bench datasets [N]' (ingest-audio reruns on N clips: no-op, +1 row, 1-row and 1% --only, full "
                + "overwrite; seconds and bytes written), 'bench datasets read [N]' (an epoch's encoder input through "
                + "Delta vs plain Parquet)";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) throws Exception {
        List<String> words = args.positional();
        String what = words.isEmpty() ? "" : words.get(0);
        switch (what) {
            case "preprocessing" -> new PreprocessingBench(config, out).run();
            case "models" -> models(words, out);
            case "detectors" -> new DetectorBench(args, config, out).run();
            case "datasets" -> datasets(args, config, words, out);
            case "training" -> training(args, words, out);
            case "layers" -> layers(words, out);
            case "memory" -> StepMemory.main(new String[] {words.size() > 1 ? ModelProfile.parse(words.get(1)).id() : "paper",
                    String.valueOf(words.size() > 2 ? positiveInt(words.get(2)) : 16),
                    String.valueOf(words.size() > 3 ? positiveInt(words.get(3)) : 2)});
            default -> throw new CliArgs.UsageError("bench needs one of: preprocessing, models, training, layers, memory, detectors, datasets; got '"
                    + what + "'.");
        }
        return 0;
    }

    /**
     * {@code bench training [decoder|encoder] [tiny|paper] [minibatches per round]}: paper size times the decoder as
     * before and after issue 18.
     */
    private static void training(CliArgs args, List<String> words, PrintStream out) throws Exception {
        ModelProfile profile = words.size() > 2 ? ModelProfile.parse(words.get(2)) : ModelProfile.TINY;
        List<TrainingBenchmark.Net> nets = words.size() > 1 ? List.of(net(words.get(1)))
                : List.of(TrainingBenchmark.Net.values());
        if (profile == ModelProfile.PAPER) {
            if (!nets.equals(List.of(TrainingBenchmark.Net.DECODER))) {
                throw new CliArgs.UsageError("bench training at paper size times the decoder only: 'bench training "
                        + "decoder paper'.");
            }
            new TrainingBench(args, out).paperDecoder(words.size() > 3 ? positiveInt(words.get(3)) : 1);
        } else if (words.size() > 3) {
            throw new CliArgs.UsageError("minibatches per round apply to 'bench training decoder paper'; the tiny "
                    + "profile's run sets its own; got '" + words.get(3) + "'.");
        } else {
            new TrainingBench(args, out).run(nets);
        }
    }

    /** {@code bench datasets [N]} and {@code bench datasets read [N]}: N clips, 1024 unless told. */
    private static void datasets(CliArgs args, S2fConfig config, List<String> words, PrintStream out)
            throws Exception {
        boolean read = words.size() > 1 && words.get(1).equals("read");
        int at = read ? 2 : 1;
        if (words.size() > at + 1) {
            throw new CliArgs.UsageError("bench datasets takes 'read' and a number of clips at most; got '"
                    + String.join(" ", words.subList(1, words.size())) + "'.");
        }
        int n = words.size() > at ? positiveInt(words.get(at)) : 1024;
        if (read) {
            new DatasetReadBench(args, config, out).run(n);
        } else {
            new DatasetsBench(args, config, out).run(n);
        }
    }

    /** {@code bench layers [paper|tiny] [batch] [current|legacy|encoder]}: seconds per vertex of a training step. */
    private static void layers(List<String> words, PrintStream out) {
        ModelProfile profile = words.size() > 1 ? ModelProfile.parse(words.get(1)) : ModelProfile.PAPER;
        int batch = words.size() > 2 ? positiveInt(words.get(2)) : 8;
        String variant = words.size() > 3 ? words.get(3) : "current";
        if (!variant.equals("current") && !variant.equals("legacy") && !variant.equals("encoder")) {
            throw new CliArgs.UsageError("bench layers times the 'current' or the 'legacy' decoder graph, or the "
                    + "'encoder' graph; got '" + variant + "'.");
        }
        LayerTimes.main(new String[] {profile.id(), String.valueOf(batch), "1", variant});
    }

    private static int positiveInt(String word) {
        try {
            int v = Integer.parseInt(word);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the sentence below names it
        }
        throw new CliArgs.UsageError("bench needs a positive whole number here; got '" + word + "'.");
    }

    private static TrainingBenchmark.Net net(String name) {
        for (TrainingBenchmark.Net n : TrainingBenchmark.Net.values()) {
            if (n.name().equalsIgnoreCase(name)) {
                return n;
            }
        }
        throw new CliArgs.UsageError("bench training times decoder or encoder; got '" + name + "'.");
    }

    /**
     * Each network on both sides in processes of their own ({@link SideBySide}): the paper profile at batch 16 unless
     * told otherwise, the PyTorch reference beside it (paper profile only).
     */
    private static void models(List<String> words, PrintStream out) throws InterruptedException {
        ModelProfile profile = words.size() > 1 ? ModelProfile.parse(words.get(1)) : ModelProfile.PAPER;
        List<ModelBenchmark.Net> nets = new ArrayList<>();
        for (String id : (words.size() > 2 ? words.get(2) : "se,fd,vgg").split(",")) {
            try {
                nets.add(ModelBenchmark.Net.parse(id));
            } catch (IllegalArgumentException e) {
                throw new CliArgs.UsageError(e.getMessage());
            }
        }
        ModelBenchmark.Options paper = ModelBenchmark.Options.paper();
        int steps = words.size() > 3 ? positiveInt(words.get(3)) : paper.steps();
        int warmup = words.size() > 4 ? positiveInt(words.get(4)) : paper.warmup();
        Path script = Path.of(System.getenv().getOrDefault("S2F_HOME", "."), "bench", "pytorch_models.py");
        SideBySide.run(new SideBySide.Settings(profile, paper.batch(), steps, warmup, nets, javaCommand(),
                childJvmOptions(), ReferenceScript.python(), script), out::println);
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * This JVM's options (module openings, the ND4J build variant) less its heap and off-heap limits: ND4J keeps
     * its arrays off the heap, so the child gets a small heap and room off it. Less bin/s2f's class data sharing
     * too: the archive's mapped pages would count in the child's peak memory, which is the network's figure.
     */
    static List<String> childJvmOptions() {
        return childJvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private static final List<String> NOT_FOR_THE_CHILD = List.of("-Xmx", "-Xms", "-agentlib",
            "-XX:SharedArchiveFile", "-XX:DumpLoadedClassList", "-Xshare", "-Xlog:cds", "-Xlog:class+path",
            "-Dorg.bytedeco.javacpp.maxbytes", "-Dorg.bytedeco.javacpp.maxphysicalbytes");

    static List<String> childJvmOptions(List<String> parent) {
        List<String> options = new ArrayList<>();
        for (String o : parent) {
            if (NOT_FOR_THE_CHILD.stream().noneMatch(o::startsWith)) {
                options.add(o);
            }
        }
        options.addAll(List.of("-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=18g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=20g"));
        return options;
    }
}
