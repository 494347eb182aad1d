package org.speech2face.bench;

import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.layers.NativeBackend;
import org.speech2face.model.layers.EpsilonWorkspaces;
import org.speech2face.model.layers.NativeHeap;
import org.speech2face.model.networks.ModelDescriber;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainingGraphs;
import org.speech2face.model.networks.VggFace;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Throughput of the three costly computations, beside their FLOP counts: an SE training step, an FD training step
 * (FD + frozen VGGFace + both losses) and VGGFace inference. Random weights and inputs: speed does not depend on
 * values. Wall-clock and process CPU time are both reported, because on a shared machine the wall clock also
 * measures the neighbours; "per 2 CPUs" is samples per (CPU seconds / 2).
 *
 * <p>FLOPs count the work a training step has to do, the same figure for this project and the PyTorch reference so
 * that GFLOP/s compare like with like: a trained network costs 3x its forward pass (forward, input gradients, weight
 * gradients); the frozen VGGFace inside the FD step costs 2x (forward and input gradients: its weights need none).
 */
public final class ModelBenchmark {

    /** The three computations. */
    public enum Net {
        SE("SE training step"), FD("FD training step, VGGFace frozen"), VGG("VGGFace forward");

        private final String label;

        Net(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Lower-case id, as the PyTorch reference script names it. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code se}, {@code fd} or {@code vgg}, naming the bad value otherwise. */
        public static Net parse(String id) {
            for (Net n : values()) {
                if (n.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                    return n;
                }
            }
            throw new IllegalArgumentException("Unknown network '" + id + "'; expected se, fd or vgg.");
        }

        /** Useful GFLOP per sample of this computation at {@code p} (see the class comment). */
        public double gflopPerSample(ModelProfile p) {
            return switch (this) {
                case SE -> 3.0 * ModelDescriber.speechEncoder(p, PriorFusion.NONE).forwardFlops() / 1e9;
                case FD -> (3.0 * ModelDescriber.faceDecoder(p).forwardFlops() + 2.0 * vggToFc7(p)) / 1e9;
                case VGG -> ModelDescriber.vggFace(p).forwardFlops() / 1e9;
            };
        }

        private static double vggToFc7(ModelProfile p) {
            return ModelDescriber.vggFace(p).forwardFlops() - 2.0 * p.featureDim() * p.identities();
        }
    }

    /** One measured computation; {@code peakRssBytes} is the process's peak, -1 when unknown. */
    public record Result(String name, int batch, int steps, double secondsPerStep, double cpuSecondsPerStep,
                         double gflopPerSample, long peakRssBytes) {
        public double samplesPerSecond() {
            return batch / secondsPerStep;
        }

        /** Throughput had the process had both CPUs to itself for the CPU time it used. */
        public double samplesPerSecondPerTwoCpus() {
            return batch / (cpuSecondsPerStep / 2);
        }

        public double gflopPerSecond() {
            return samplesPerSecond() * gflopPerSample;
        }

        public String toText() {
            return String.format(Locale.ROOT, "%-34s batch %2d x %d steps: %7.2f samples/s (%6.2f s/step; %6.2f per 2 CPUs), "
                            + "%7.2f GFLOP/sample, %6.1f GFLOP/s, peak RSS %.2f GiB", name, batch, steps, samplesPerSecond(),
                    secondsPerStep, samplesPerSecondPerTwoCpus(), gflopPerSample, gflopPerSecond(),
                    peakRssBytes / (double) (1L << 30));
        }
    }

    /** What to run. */
    public record Options(ModelProfile profile, int batch, int warmup, int steps, Set<Net> nets) {
        public Options {
            if (batch < 1 || warmup < 0 || steps < 1) {
                throw new IllegalArgumentException("Benchmark needs batch >= 1, warmup >= 0, steps >= 1; got batch "
                        + batch + ", warmup " + warmup + ", steps " + steps + ".");
            }
            if (nets.isEmpty()) {
                throw new IllegalArgumentException("Benchmark needs at least one network (se, fd, vgg).");
            }
            nets = Set.copyOf(nets);
        }

        /** The figures issue 18 compares: paper profile, batch 16. */
        public static Options paper() {
            return new Options(ModelProfile.PAPER, 16, 2, 4, EnumSet.allOf(Net.class));
        }
    }

    private ModelBenchmark() {
    }

    /** Runs the selected benchmarks in this process, printing each result line to {@code log} as it completes. */
    public static List<Result> run(Options o, Consumer<String> log) {
        log.accept(NativeBackend.describe());
        log.accept(String.format(Locale.ROOT, "%-34s %6.1f GFLOP/s (the machine's practical ceiling for the figures below)",
                "float32 matrix product 2048x2048", matrixProductGflops(2048, 5)));
        List<Result> results = new ArrayList<>();
        for (Net net : Net.values()) {
            if (o.nets().contains(net)) {
                results.add(time(net.label() + " (" + o.profile().id() + ")", o, net.gflopPerSample(o.profile()),
                        step(net, o.profile(), o.batch()), log));
            }
        }
        return results;
    }

    /** One step of {@code net}, its graph and batch made ready. */
    static Runnable step(Net net, ModelProfile p, int batchSize) {
        Nd4j.getRandom().setSeed(1);
        switch (net) {
            case SE -> {
                NativeHeap.forEncoderTraining(); // as the training hook sets it on the executors
                ComputationGraph g = new ComputationGraph(TrainingGraphs.encoder(p, PriorFusion.NONE, Networks.paperAdam(),
                        DataType.FLOAT, 1));
                g.init();
                MultiDataSet batch = new MultiDataSet(Nd4j.randn(DataType.FLOAT, batchSize,
                        ModelProfile.SPECTROGRAM_CHANNELS, ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS),
                        Nd4j.randn(DataType.FLOAT, batchSize, p.featureDim()));
                return () -> g.fit(batch);
            }
            case FD -> {
                NativeHeap.asConfigured();
                ComputationGraph g = new ComputationGraph(TrainingGraphs.decoder(p, Networks.paperAdam(), DataType.FLOAT, 1));
                g.init();
                INDArray ff = Nd4j.randn(DataType.FLOAT, batchSize, p.featureDim());
                INDArray faces = Nd4j.rand(DataType.FLOAT, batchSize, 3, p.faceSize(), p.faceSize());
                MultiDataSet batch = new MultiDataSet(new INDArray[] {ff}, new INDArray[] {faces, ff});
                return () -> {
                    g.fit(batch);
                    EpsilonWorkspaces.release(); // as the training hook does on the executors
                };
            }
            default -> {
                ComputationGraph g = new ComputationGraph(VggFace.configuration(p, DataType.FLOAT, 1));
                g.init();
                INDArray faces = Nd4j.rand(DataType.FLOAT, batchSize, 3, p.faceSize(), p.faceSize());
                return () -> g.output(faces);
            }
        }
    }

    /**
     * GFLOP/s of one float32 matrix product of two n x n matrices (ND4J's gemm, all OpenMP threads), best of
     * {@code reps}: what the convolutions above can at most reach on this machine.
     */
    public static double matrixProductGflops(int n, int reps) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return 2.0 * n * n * n / best / 1e9;
    }

    private static Result time(String name, Options o, double gflopPerSample, Runnable step, Consumer<String> log) {
        for (int i = 0; i < o.warmup(); i++) {
            long t = System.nanoTime();
            step.run();
            log.accept(String.format(Locale.ROOT, "warm-up step %d: %.2f s", i + 1, (System.nanoTime() - t) / 1e9));
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < o.steps(); i++) {
            long t = System.nanoTime();
            step.run();
            log.accept(String.format(Locale.ROOT, "step %d: %.2f s", i + 1, (System.nanoTime() - t) / 1e9));
        }
        double wall = (System.nanoTime() - t0) / 1e9 / o.steps();
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / o.steps();
        Result r = new Result(name, o.batch(), o.steps(), wall, cpu, gflopPerSample, ProcessStats.peakRssBytes());
        log.accept(r.toText());
        return r;
    }

    /**
     * {@code java ... ModelBenchmark [paper|tiny] [batch] [steps] [se,fd,vgg] [warmup]}: prints the results; with
     * exactly one network it ends with a {@code result {json}} line that {@link SideBySide} reads (the figures of a
     * process that ran nothing else, so its peak memory is that network's).
     */
    public static void main(String[] args) throws JsonProcessingException {
        ModelProfile profile = args.length > 0 ? ModelProfile.parse(args[0]) : ModelProfile.PAPER;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        Set<Net> nets = EnumSet.noneOf(Net.class);
        for (String id : (args.length > 3 ? args[3] : "se,fd,vgg").split(",")) {
            nets.add(Net.parse(id));
        }
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        double ceiling = nets.size() == 1 ? matrixProductGflops(2048, 5) : Double.NaN;
        List<Result> results = run(new Options(profile, batch, warmup, steps, nets), System.out::println);
        if (nets.size() == 1) {
            Result r = results.get(0);
            System.out.println("result " + new ObjectMapper().writeValueAsString(new SideBySide.Measurement(
                    SideBySide.Side.DL4J, nets.iterator().next(), batch, steps, r.secondsPerStep(),
                    r.cpuSecondsPerStep(), r.gflopPerSample(), ceiling, r.peakRssBytes(),
                    RuntimeDescription.dl4j())));
        }
    }
}
