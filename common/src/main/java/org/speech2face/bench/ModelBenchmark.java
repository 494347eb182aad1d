package org.speech2face.bench;

import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.layers.NativeBackend;
import org.speech2face.model.networks.ModelDescriber;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainingGraphs;
import org.speech2face.model.networks.VggFace;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Throughput of the three costly computations on the CPU backend, beside their FLOP counts: an SE training step,
 * an FD training step (FD + frozen VGGFace + both losses) and VGGFace inference. Random weights and inputs: speed
 * does not depend on values. Wall-clock and process CPU time are both reported, because on a shared machine the
 * wall clock also measures the neighbours; "per 2 CPUs" is samples per (CPU seconds / 2).
 *
 * <p>Training FLOPs are taken as 3x the forward FLOPs (forward, input gradients, weight gradients; DL4J also
 * computes weight gradients of frozen layers), the usual estimate.
 */
public final class ModelBenchmark {

    /** One measured computation. */
    public record Result(String name, int batch, int steps, double secondsPerStep, double cpuSecondsPerStep,
                         double gflopPerSample) {
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
                            + "%7.2f GFLOP/sample, %6.1f GFLOP/s", name, batch, steps, samplesPerSecond(), secondsPerStep,
                    samplesPerSecondPerTwoCpus(), gflopPerSample, gflopPerSecond());
        }
    }

    /** What to run. */
    public record Options(ModelProfile profile, int batch, int warmup, int steps, boolean encoder, boolean decoder,
                          boolean vggFace) {
        public Options {
            if (batch < 1 || warmup < 0 || steps < 1) {
                throw new IllegalArgumentException("Benchmark needs batch >= 1, warmup >= 0, steps >= 1; got batch "
                        + batch + ", warmup " + warmup + ", steps " + steps + ".");
            }
        }

        /** The size the reference figures of docs/benchmarks.md are for: paper profile, batch 16. */
        public static Options paper() {
            return new Options(ModelProfile.PAPER, 16, 2, 4, true, true, true);
        }
    }

    private ModelBenchmark() {
    }

    /** Runs the selected benchmarks, printing each result line to {@code log} as it completes. */
    public static List<Result> run(Options o, Consumer<String> log) {
        log.accept(NativeBackend.describe());
        log.accept(String.format(Locale.ROOT, "%-34s %6.1f GFLOP/s (the machine's practical ceiling for the figures below)",
                "float32 matrix product 2048x2048", matrixProductGflops(2048, 5)));
        List<Result> results = new ArrayList<>();
        ModelProfile p = o.profile();
        Nd4j.getRandom().setSeed(1);
        if (o.encoder()) {
            ComputationGraph g = new ComputationGraph(TrainingGraphs.encoder(p, PriorFusion.NONE, Networks.paperAdam(), DataType.FLOAT, 1));
            g.init();
            MultiDataSet batch = new MultiDataSet(Nd4j.randn(DataType.FLOAT, o.batch(), ModelProfile.SPECTROGRAM_CHANNELS,
                    ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS), Nd4j.randn(DataType.FLOAT, o.batch(), p.featureDim()));
            double gflop = 3 * ModelDescriber.speechEncoder(p, PriorFusion.NONE).forwardFlops() / 1e9;
            results.add(time("SE training step (" + p.id() + ")", o, gflop, () -> g.fit(batch), log));
        }
        if (o.decoder()) {
            ComputationGraph g = new ComputationGraph(TrainingGraphs.decoder(p, Networks.paperAdam(), DataType.FLOAT, 1));
            g.init();
            INDArray ff = Nd4j.randn(DataType.FLOAT, o.batch(), p.featureDim());
            INDArray faces = Nd4j.rand(DataType.FLOAT, o.batch(), 3, p.faceSize(), p.faceSize());
            MultiDataSet batch = new MultiDataSet(new INDArray[] {ff}, new INDArray[] {faces, ff});
            double fd = ModelDescriber.faceDecoder(p).forwardFlops();
            double vgg = ModelDescriber.vggFace(p).forwardFlops() - 2.0 * p.featureDim() * p.identities();
            results.add(time("FD training step, VGGFace frozen (" + p.id() + ")", o, 3 * (fd + vgg) / 1e9, () -> g.fit(batch), log));
        }
        if (o.vggFace()) {
            ComputationGraph g = new ComputationGraph(VggFace.configuration(p, DataType.FLOAT, 1));
            g.init();
            INDArray faces = Nd4j.rand(DataType.FLOAT, o.batch(), 3, p.faceSize(), p.faceSize());
            double gflop = ModelDescriber.vggFace(p).forwardFlops() / 1e9;
            results.add(time("VGGFace inference (" + p.id() + ")", o, gflop, () -> g.output(faces), log));
        }
        return results;
    }

    /**
     * GFLOP/s of one float32 matrix product of two n x n matrices (ND4J's gemm, all OpenMP threads), best of
     * {@code reps}: what the convolutions above can at most reach on this machine, printed beside them because
     * The reference figures of docs/benchmarks.md come from a machine with a higher ceiling.
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
            step.run();
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < o.steps(); i++) {
            step.run();
        }
        double wall = (System.nanoTime() - t0) / 1e9 / o.steps();
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / o.steps();
        Result r = new Result(name, o.batch(), o.steps(), wall, cpu, gflopPerSample);
        log.accept(r.toText());
        return r;
    }

    /** {@code java ... ModelBenchmark [paper|tiny] [batch] [steps] [se,fd,vgg] [warmup]}: prints the results. */
    public static void main(String[] args) {
        ModelProfile profile = args.length > 0 ? ModelProfile.parse(args[0]) : ModelProfile.PAPER;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        String which = args.length > 3 ? args[3] : "se,fd,vgg";
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        run(new Options(profile, batch, warmup, steps, which.contains("se"), which.contains("fd"), which.contains("vgg")),
                System.out::println);
    }
}
