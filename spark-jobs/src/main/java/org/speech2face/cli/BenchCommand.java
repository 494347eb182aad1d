package org.speech2face.cli;

import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.train.TrainingBenchmark;
import org.speech2face.bench.ModelBenchmark;
import org.speech2face.model.networks.ModelProfile;

import java.io.PrintStream;
import java.util.List;

/** {@code s2f bench <what>}: throughput figures printed beside a reference measured in the same run. */
final class BenchCommand implements Command {
    @Override
    public String summary() {
        return "benchmarks: 'bench preprocessing' (face ingest vs decode, spectrograms vs NumPy), "
                + "'bench models [paper|tiny]' (SE and FD training steps, VGGFace inference), "
                + "'bench training [decoder|encoder]' (samples/s on one and two executors, cost of an averaging round), "
                + "'bench detectors' (Haar vs SSD MobileNet: detection rate and crop agreement, rotated and turned faces)";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) throws Exception {
        List<String> words = args.positional();
        String what = words.isEmpty() ? "" : words.get(0);
        switch (what) {
            case "preprocessing" -> new PreprocessingBench(config, out).run();
            case "models" -> models(words.size() > 1 ? ModelProfile.parse(words.get(1)) : ModelProfile.PAPER, out);
            case "detectors" -> new DetectorBench(args, config, out).run();
            case "training" -> new TrainingBench(args, out).run(words.size() > 1 ? List.of(net(words.get(1)))
                    : List.of(TrainingBenchmark.Net.values()));
            default -> throw new CliArgs.UsageError("bench needs one of: preprocessing, models, training, detectors; got '" + what
                    + "'.");
        }
        return 0;
    }

    private static TrainingBenchmark.Net net(String name) {
        for (TrainingBenchmark.Net n : TrainingBenchmark.Net.values()) {
            if (n.name().equalsIgnoreCase(name)) {
                return n;
            }
        }
        throw new CliArgs.UsageError("bench training times decoder or encoder; got '" + name + "'.");
    }

    /** The paper profile at batch 16 unless told otherwise: the size the reference figures are for. */
    private static void models(ModelProfile profile, PrintStream out) throws InterruptedException {
        ModelBenchmark.Options paper = ModelBenchmark.Options.paper();
        out.println("DL4J (this project):");
        ModelBenchmark.run(new ModelBenchmark.Options(profile, paper.batch(), paper.warmup(), paper.steps(), true, true,
                true), line -> out.println("  " + line));
        if (profile == ModelProfile.PAPER) {
            out.println("PyTorch reference, same architectures, same run (bench/pytorch_models.py; needs python3-torch):");
            ReferenceScript.run("pytorch_models.py", List.of(String.valueOf(paper.batch()), String.valueOf(paper.steps()),
                    String.valueOf(paper.warmup())), java.util.Map.of("OMP_WAIT_POLICY", "PASSIVE"), out);
        }
        out.println("references (PyTorch 1.13 CPU, 2 threads, paper size, batch 16): "
                + "SE training 7.7 samples/s, VGGFace forward 7.0 faces/s, measured where the float32 matrix product "
                + "reached about 340 GFLOP/s; compare with the matrix-product lines above.");
    }
}
