package org.speech2face.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.model.layers.EpsilonWorkspaces;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainingGraphs;

/**
 * Where the FD training step's resident memory goes: the resident set after each stage of set-up (parameters,
 * gradient views, optimiser state) and of every step (forward, gradients, update), the peak with the stage it was
 * reached in (sampled every 20 ms), and ND4J's workspaces. Run it in a JVM of its own: the figures are the process's.
 */
public final class StepMemory {
    private static volatile String stage = "set-up";
    private static volatile long peakKb;
    private static volatile String peakStage = "";

    private StepMemory() {
    }

    /** Builds the decoder training graph at {@code p} and fits {@code steps} random batches, printing as it goes. */
    public static void run(ModelProfile p, int batch, int steps, Consumer<String> out) {
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long kb = statusKb("VmRSS:");
                if (kb > peakKb) {
                    peakKb = kb;
                    peakStage = stage;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        out.accept(String.format(Locale.ROOT, "FD training step memory, %s profile, batch %d, %s", p.id(), batch,
                ProcessStats.describeLoad()));
        Nd4j.getRandom().setSeed(1);
        ComputationGraph g = new ComputationGraph(TrainingGraphs.decoder(p, Networks.paperAdam(), DataType.FLOAT, 1));
        g.init();
        mark("parameters", out);
        g.initGradientsView();
        mark("gradient views", out);
        g.getUpdater();
        mark("optimiser state", out);
        g.setListeners(new BaseTrainingListener() {
            @Override
            public void onForwardPass(Model model, Map<String, INDArray> activations) {
                mark("forward pass", out);
                stage = "losses and backward pass";
            }

            @Override
            public void onGradientCalculation(Model model) {
                mark("gradients", out);
                stage = "update";
            }
        });
        INDArray ff = Nd4j.randn(DataType.FLOAT, batch, p.featureDim());
        INDArray faces = Nd4j.rand(DataType.FLOAT, batch, 3, p.faceSize(), p.faceSize());
        MultiDataSet data = new MultiDataSet(new INDArray[] {ff}, new INDArray[] {faces, ff});
        for (int i = 1; i <= steps; i++) {
            stage = "step " + i + " forward pass";
            long t0 = System.nanoTime();
            g.fit(data);
            EpsilonWorkspaces.release(); // as the training hook does on the executors
            mark(String.format(Locale.ROOT, "step %d done (%.1f s)", i, (System.nanoTime() - t0) / 1e9), out);
            out.accept(String.format(Locale.ROOT, "  peak so far %.2f GiB, reached during: %s", peakKb / 1048576.0,
                    peakStage));
        }
        sampler.interrupt();
        out.accept(String.format(Locale.ROOT, "peak RSS %.2f GiB (VmHWM), %s", ProcessStats.peakRssBytes() / (double) (1L << 30),
                ProcessStats.describeLoad()));
    }

    private static void mark(String what, Consumer<String> out) {
        StringBuilder ws = new StringBuilder();
        for (MemoryWorkspace w : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
            if (w.getCurrentSize() > 0) {
                ws.append(String.format(Locale.ROOT, " %s %.0f MB", w.getId(), w.getCurrentSize() / 1e6));
            }
        }
        out.accept(String.format(Locale.ROOT, "  %-28s resident %5.2f GiB%s", what, statusKb("VmRSS:") / 1048576.0,
                ws.length() == 0 ? "" : ";" + ws));
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** {@code java ... StepMemory [paper|tiny] [batch] [steps]}. */
    public static void main(String[] args) {
        run(args.length > 0 ? ModelProfile.parse(args[0]) : ModelProfile.PAPER,
                args.length > 1 ? Integer.parseInt(args[1]) : 16, args.length > 2 ? Integer.parseInt(args[2]) : 2,
                System.out::println);
    }
}
