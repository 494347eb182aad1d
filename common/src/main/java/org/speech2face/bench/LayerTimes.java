package org.speech2face.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.layers.NativeBackend;
import org.speech2face.model.networks.FaceDecoder;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.SpeechEncoder;
import org.speech2face.model.networks.TrainingGraphs;

/**
 * Where a training step's time goes: forward and backward seconds of every vertex of the decoder (or encoder)
 * training graph, walked in DL4J's order outside {@code fit} (no workspaces, so memory here says nothing). Used to
 * find the biggest cost first; {@code legacy} times the decoder graph as built before issue 18
 * ({@link LegacyDecoder}) for a same-run comparison.
 */
public final class LayerTimes {
    /**
     * Seconds per pass of one vertex, averaged over the timed repetitions: wall clock, and the process's CPU time
     * (all threads), which depends much less on what else the machine is running.
     */
    public record Row(String vertex, double forward, double backward, double forwardCpu, double backwardCpu) {
    }

    private LayerTimes() {
    }

    /** {@link #measure(ComputationGraphConfiguration, Map, Map, int)} for the decoder training graph {@code conf}. */
    public static List<Row> measure(ComputationGraphConfiguration conf, ModelProfile p, int batch, int reps) {
        Nd4j.getRandom().setSeed(1);
        INDArray ff = Nd4j.randn(DataType.FLOAT, batch, p.featureDim());
        INDArray faces = Nd4j.rand(DataType.FLOAT, batch, 3, p.faceSize(), p.faceSize());
        return measure(conf, Map.of(FaceDecoder.INPUT, ff), Map.of(TrainingGraphs.IMAGE_LOSS, faces,
                TrainingGraphs.FEATURE_LOSS, ff), reps);
    }

    /** The encoder training graph (fusion none) at {@code p}: random spectrograms in, random Ff as labels. */
    public static List<Row> measureEncoder(ModelProfile p, int batch, int reps) {
        Nd4j.getRandom().setSeed(1);
        INDArray spectrogram = Nd4j.randn(DataType.FLOAT, batch, ModelProfile.SPECTROGRAM_CHANNELS,
                ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS);
        INDArray ff = Nd4j.randn(DataType.FLOAT, batch, p.featureDim());
        return measure(TrainingGraphs.encoder(p, PriorFusion.NONE, Networks.paperAdam(), DataType.FLOAT, 1),
                Map.of(SpeechEncoder.INPUT, spectrogram), Map.of(TrainingGraphs.TRI_LOSS, ff), reps);
    }

    /**
     * Times {@code reps} forward+backward passes of {@code conf} after one warm-up pass, with {@code inputs} and the
     * output layers' {@code labels} by vertex name; returns one row per vertex.
     */
    public static List<Row> measure(ComputationGraphConfiguration conf, Map<String, INDArray> inputs,
                                    Map<String, INDArray> labels, int reps) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        g.initGradientsView();
        // A vertex with an input preprocessor asks the graph for the minibatch size, which it reads from the inputs.
        g.setInputs(conf.getNetworkInputs().stream().map(inputs::get).toArray(INDArray[]::new));
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        int[] order = g.topologicalSortOrder();
        GraphVertex[] v = g.getVertices();
        Map<String, double[]> t = new LinkedHashMap<>();
        for (int r = 0; r <= reps; r++) {
            Map<String, INDArray> acts = new HashMap<>();
            for (int idx : order) {
                GraphVertex x = v[idx];
                if (x.isInputVertex()) {
                    acts.put(x.getVertexName(), inputs.get(x.getVertexName()));
                    continue;
                }
                VertexIndices[] ins = x.getInputVertices();
                for (int i = 0; i < ins.length; i++) {
                    x.setInput(i, acts.get(v[ins[i].getVertexIndex()].getVertexName()), mgr);
                }
                long t0 = System.nanoTime();
                long c0 = cpuNanos();
                acts.put(x.getVertexName(), x.doForward(true, mgr));
                add(t, x.getVertexName(), 0, r > 0, t0, c0);
            }
            Map<String, INDArray> eps = new HashMap<>();
            for (int k = order.length - 1; k >= 0; k--) {
                GraphVertex x = v[order[k]];
                if (x.isInputVertex()) {
                    continue;
                }
                if (x.isOutputVertex()) {
                    ((IOutputLayer) x.getLayer()).setLabels(labels.get(x.getVertexName()));
                } else if (eps.containsKey(x.getVertexName())) {
                    x.setEpsilon(eps.get(x.getVertexName()));
                } else {
                    continue;
                }
                long t0 = System.nanoTime();
                long c0 = cpuNanos();
                Pair<Gradient, INDArray[]> res = x.doBackward(false, mgr);
                add(t, x.getVertexName(), 1, r > 0, t0, c0);
                VertexIndices[] ins = x.getInputVertices();
                for (int i = 0; i < ins.length; i++) {
                    INDArray e = res.getSecond()[i];
                    if (e != null) {
                        eps.merge(v[ins[i].getVertexIndex()].getVertexName(), e, INDArray::add);
                    }
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        t.forEach((name, s) -> rows.add(new Row(name, s[0] / reps, s[1] / reps, s[2] / reps, s[3] / reps)));
        return rows;
    }

    private static void add(Map<String, double[]> t, String name, int pass, boolean timed, long wallStart, long cpuStart) {
        double[] s = t.computeIfAbsent(name, k -> new double[4]);
        if (timed) {
            s[pass] += (System.nanoTime() - wallStart) / 1e9;
            s[2 + pass] += (cpuNanos() - cpuStart) / 1e9;
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Prints the rows above {@code minSeconds}, then totals by part (FD, its loss, VGGFace). */
    public static void print(List<Row> rows, double minSeconds, Consumer<String> out) {
        Map<String, double[]> parts = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.forward() + r.backward() >= minSeconds) {
                out.accept(String.format(Locale.ROOT, "  %-16s forward %7.3f s  backward %7.3f s   CPU %7.3f s + %7.3f s",
                        r.vertex(), r.forward(), r.backward(), r.forwardCpu(), r.backwardCpu()));
            }
            String part = r.vertex().startsWith("fd_") ? "face decoder" : r.vertex().startsWith("vgg_") ? "VGGFace (frozen)"
                    : r.vertex().startsWith("se_") ? "speech encoder" : "losses";
            double[] s = parts.computeIfAbsent(part, k -> new double[4]);
            s[0] += r.forward();
            s[1] += r.backward();
            s[2] += r.forwardCpu();
            s[3] += r.backwardCpu();
        }
        double[] total = new double[4];
        parts.forEach((part, s) -> {
            out.accept(String.format(Locale.ROOT, "  %-16s forward %7.3f s  backward %7.3f s   CPU %7.3f s + %7.3f s",
                    part, s[0], s[1], s[2], s[3]));
            for (int i = 0; i < 4; i++) {
                total[i] += s[i];
            }
        });
        out.accept(String.format(Locale.ROOT, "  %-16s forward %7.3f s  backward %7.3f s   CPU %7.3f s + %7.3f s",
                "total", total[0], total[1], total[2], total[3]));
    }

    /** {@code java ... LayerTimes [paper|tiny] [batch] [reps] [current|legacy|encoder]}. */
    public static void main(String[] args) {
        ModelProfile p = args.length > 0 ? ModelProfile.parse(args[0]) : ModelProfile.PAPER;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        if (args.length > 3 && args[3].equals("encoder")) {
            System.out.println(NativeBackend.describe());
            System.out.printf(Locale.ROOT, "SE training graph (fusion none), %s, batch %d, %s%n", p.id(), batch,
                    ProcessStats.describeLoad());
            print(measureEncoder(p, batch, reps), 0.005, System.out::println);
            return;
        }
        boolean legacy = args.length > 3 && args[3].equals("legacy");
        ComputationGraphConfiguration conf = TrainingGraphs.decoder(p, Networks.paperAdam(), DataType.FLOAT, 1);
        System.out.println(NativeBackend.describe());
        System.out.printf(Locale.ROOT, "FD training graph (%s), %s, batch %d, %s%n", legacy ? "as before issue 18" : "current",
                p.id(), batch, ProcessStats.describeLoad());
        print(measure(legacy ? LegacyDecoder.of(conf) : conf, p, batch, reps), 0.05, System.out::println);
    }
}
