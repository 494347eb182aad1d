package org.speech2face.model.networks;

import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.layers.ChannelLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Text description of the AR-SPM networks, from their configurations alone (nothing is allocated, so the paper
 * profile can be described on a laptop): each vertex with its output shape, parameter count and forward FLOPs.
 * FLOPs count multiply-adds of convolutions, transposed convolutions, dense layers and CBAM's spatial convolution,
 * times two; batch norm, pooling and activations are left out (under 1%).
 */
public final class ModelDescriber {

    /**
     * One vertex of a described graph. {@code shape} is per sample and channels-first (C, H, W) whatever the memory
     * layout; {@code channelsLast} says the activations are held NHWC ({@link ChannelLayout}).
     */
    public record Row(String name, String type, long[] shape, boolean channelsLast, long params, long forwardFlops,
                      boolean frozen) {
    }

    /** A described graph. */
    public record Description(String title, List<Row> rows) {
        public long parameters() {
            return rows.stream().mapToLong(Row::params).sum();
        }

        public long trainableParameters() {
            return rows.stream().filter(r -> !r.frozen()).mapToLong(Row::params).sum();
        }

        /** Forward FLOPs for one sample. */
        public long forwardFlops() {
            return rows.stream().mapToLong(Row::forwardFlops).sum();
        }

        /** Parameters of the named vertex. */
        public long parameters(String vertex) {
            return rows.stream().filter(r -> r.name().equals(vertex)).mapToLong(Row::params).sum();
        }

        public String toText() {
            StringBuilder sb = new StringBuilder(title).append('\n');
            sb.append(String.format(Locale.ROOT, "  %-16s %-26s %-18s %14s %12s%n", "vertex", "type", "output", "params", "MFLOP"));
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "  %-16s %-26s %-18s %,14d %,12.1f%n", r.name(),
                        r.type() + (r.frozen() ? " (frozen)" : ""),
                        Arrays.toString(r.shape()) + (r.channelsLast() ? " NHWC" : ""), r.params(),
                        r.forwardFlops() / 1e6));
            }
            sb.append(String.format(Locale.ROOT, "  total %,d parameters (%,d trainable), %.2f GFLOP forward per sample%n",
                    parameters(), trainableParameters(), forwardFlops() / 1e9));
            return sb.toString();
        }
    }

    private ModelDescriber() {
    }

    /** VGGFace, FD and SE (every prior fusion) of a profile, as the text {@code s2f describe-models} prints. */
    public static String describeAll(ModelProfile profile) {
        StringBuilder sb = new StringBuilder("AR-SPM networks, profile " + profile.id() + " (face " + profile.faceSize()
                + "x" + profile.faceSize() + ", feature " + profile.featureDim() + ")\n")
                .append("DL4J counts batch norm's running mean and variance as parameters (4 per channel).\n\n");
        sb.append(vggFace(profile).toText()).append('\n');
        sb.append(faceDecoder(profile).toText()).append('\n');
        sb.append(speechEncoder(profile, PriorFusion.NONE).toText());
        sb.append("  prior fusion 'add':    Sf = se_fc2(h) + prior   (second input 'prior' [" + profile.featureDim()
                + "], element-wise vertex se_fusion, no extra parameters)\n");
        sb.append("  prior fusion 'add-fc': Sf = se_fc2(h + prior)   (element-wise vertex se_fusion before se_fc2)\n");
        return sb.toString();
    }

    public static Description vggFace(ModelProfile p) {
        int s = p.faceSize();
        return describe("VGGFace (input RGB [3, " + s + ", " + s + "] in [0,1])",
                VggFace.configuration(p, DataType.FLOAT, 0), InputType.convolutional(s, s, 3));
    }

    public static Description faceDecoder(ModelProfile p) {
        return describe("Face decoder FD (input Ff [" + p.featureDim() + "])",
                FaceDecoder.configuration(p, DataType.FLOAT, 0), InputType.feedForward(p.featureDim()));
    }

    public static Description speechEncoder(ModelProfile p, PriorFusion f) {
        return describe("Speech encoder SE, prior fusion '" + f.id() + "' (input [2, 598, 257])",
                SpeechEncoder.configuration(p, f, DataType.FLOAT, 0), SpeechEncoder.inputTypes(p, f));
    }

    /** Describes any graph configuration given its input types (in input order). */
    public static Description describe(String title, ComputationGraphConfiguration conf, InputType... inputTypes) {
        Map<String, InputType> outTypes = new HashMap<>(conf.getLayerActivationTypes(inputTypes));
        for (int i = 0; i < inputTypes.length; i++) {
            outTypes.put(conf.getNetworkInputs().get(i), inputTypes[i]);
        }
        ComputationGraph graph = new ComputationGraph(conf);
        int[] order = graph.topologicalSortOrder();
        Map<Integer, String> names = graph.calculateIndices().getIdxToName();
        List<Row> rows = new ArrayList<>();
        for (int idx : order) {
            String name = names.get(idx);
            GraphVertex v = conf.getVertices().get(name);
            if (v == null) {
                continue; // a network input
            }
            InputType in = inputType(conf, name, v, outTypes);
            InputType out = outTypes.get(name);
            if (v instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer();
                boolean frozen = layer instanceof FrozenLayerWithBackprop;
                Layer inner = frozen ? ((FrozenLayerWithBackprop) layer).getUnderlying() : layer;
                rows.add(new Row(name, inner.getClass().getSimpleName(), channelsFirstShape(out), channelsLast(out),
                        layer.initializer().numParams(layer), flops(inner, in, out), frozen));
            } else {
                rows.add(new Row(name, v.getClass().getSimpleName(), channelsFirstShape(out), channelsLast(out),
                        v.numParams(true), 0, false));
            }
        }
        return new Description(title, rows);
    }

    private static boolean channelsLast(InputType t) {
        return t instanceof InputType.InputTypeConvolutional c && c.getFormat() == CNN2DFormat.NHWC;
    }

    private static long[] channelsFirstShape(InputType t) {
        return t instanceof InputType.InputTypeConvolutional c
                ? new long[] {c.getChannels(), c.getHeight(), c.getWidth()} : t.getShape(false);
    }

    private static InputType inputType(ComputationGraphConfiguration conf, String name, GraphVertex v,
                                       Map<String, InputType> outTypes) {
        List<String> inputs = conf.getVertexInputs().get(name);
        if (inputs == null || inputs.isEmpty()) {
            return null;
        }
        InputType in = outTypes.get(inputs.get(0));
        if (v instanceof LayerVertex lv) {
            InputPreProcessor pre = lv.getPreProcessor();
            if (pre != null && in != null) {
                in = pre.getOutputType(in);
            }
        }
        return in;
    }

    static long flops(Layer layer, InputType in, InputType out) {
        if (layer instanceof Deconvolution2D d && in instanceof InputType.InputTypeConvolutional c) {
            return 2L * c.getHeight() * c.getWidth() * d.getNIn() * d.getNOut() * d.getKernelSize()[0] * d.getKernelSize()[1];
        }
        if (layer instanceof ConvolutionLayer conv && out instanceof InputType.InputTypeConvolutional o) {
            return 2L * o.getHeight() * o.getWidth() * conv.getNIn() * conv.getNOut()
                    * conv.getKernelSize()[0] * conv.getKernelSize()[1];
        }
        if (layer instanceof DenseLayer dense) {
            return 2L * dense.getNIn() * dense.getNOut();
        }
        if (layer instanceof Cbam cbam && out instanceof InputType.InputTypeConvolutional o) {
            long k = cbam.getSpatialKernel();
            return 2L * o.getHeight() * o.getWidth() * 2 * k * k + 2L * 2 * 2 * cbam.getChannels() * cbam.hidden();
        }
        return 0;
    }
}
