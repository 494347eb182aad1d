package org.speech2face.faceapi.nets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.speech2face.faceapi.FaceApiInput;
import org.speech2face.faceapi.FaceApiModel;
import org.speech2face.faceapi.RgbImage;
import org.speech2face.faceapi.weights.GraphParams;
import org.speech2face.faceapi.weights.TfLayouts;
import org.speech2face.faceapi.weights.TfjsTensor;
import org.speech2face.faceapi.weights.TfjsWeights;

/**
 * dlib's face recognition ResNet-34 ({@code face_recognition_model}): a 150x150 RGB face to a 128-D descriptor, not
 * L2-normalised; two faces whose descriptors lie within Euclidean distance 0.6 are taken for the same person.
 *
 * <p>Input {@code (x - mean RGB) / 255}. A 7x7/2 valid convolution and a 3x3/2 max pool lead into residual blocks
 * of 3x3 convolutions at 32, 64, 128 and 256 channels. dlib's batch norms are per-channel scale layers, folded into
 * the convolutions here. A downsampling block convolves with stride 2 unpadded, and adds a 2x2 average pool of its
 * input, zero-padded to the doubled channels; where the pool is one pixel larger (an odd side), the convolution's
 * output gets a zero row and column at the bottom right, as face-api does.
 */
public final class FaceDescriptorNet {
    public static final int SIDE = 150;
    public static final int DIMENSIONS = 128;
    public static final double[] MEAN_RGB = {122.782, 117.001, 104.298};

    private final ComputationGraph graph;

    private FaceDescriptorNet(ComputationGraph graph) {
        this.graph = graph;
    }

    /** Loads {@code face_recognition_model} from a models folder made by {@code s2f models fetch}. */
    public static FaceDescriptorNet load(Path modelsDir) throws IOException {
        return fromWeights(TfjsWeights.read(FaceApiModel.FACE_RECOGNITION.manifest(modelsDir)));
    }

    public static FaceDescriptorNet fromWeights(TfjsWeights w) {
        ComputationGraph g = new ComputationGraph(configuration());
        g.init();
        setConvScale(g, w, "conv32_down", "conv32_down");
        for (String block : List.of("conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2",
                "conv64_3", "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2",
                "conv256_down_out")) {
            setConvScale(g, w, block + "/conv1", block + "_conv1");
            setConvScale(g, w, block + "/conv2", block + "_conv2");
        }
        GraphParams.set(g, "fc", "W", TfLayouts.dense(w.get("fc").requireShape(256, DIMENSIONS)));
        return new FaceDescriptorNet(g);
    }

    /** The descriptors of a batch of faces, each padded to a centred square and resized as face-api does. */
    public float[][] describe(List<RgbImage> faces) {
        return rows(describe(FaceApiInput.batch(faces, SIDE, true)));
    }

    /** The descriptors {@code [n, 128]} of {@code [n, 3, 150, 150]} RGB pixels in 0..255. */
    public INDArray describe(INDArray rgb) {
        FaceApiInput.requireShape(rgb, SIDE);
        return graph.outputSingle(FaceApiInput.normalise(rgb, MEAN_RGB, 255));
    }

    public ComputationGraph graph() {
        return graph;
    }

    static float[][] rows(INDArray m) {
        float[][] out = new float[(int) m.size(0)][];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.getRow(i).toFloatVector();
        }
        return out;
    }

    private static void setConvScale(ComputationGraph g, TfjsWeights w, String prefix, String layer) {
        TfjsTensor filters = w.get(prefix + "/conv/filters");
        INDArray[] folded = GraphParams.foldAffine(filters, w.get(prefix + "/conv/bias").values(),
                GraphParams.doubles(w.get(prefix + "/scale/weights").values()),
                GraphParams.doubles(w.get(prefix + "/scale/biases").values()), 3);
        GraphParams.set(g, layer, "W", folded[0].permute(3, 2, 0, 1).dup('c'));
        GraphParams.set(g, layer, "b", folded[1]);
    }

    static ComputationGraphConfiguration configuration() {
        ComputationGraphConfiguration.GraphBuilder b = NetConfig.builder()
                .addInputs("input").setInputTypes(InputType.convolutional(SIDE, SIDE, 3));
        return b.setOutputs(add(b, "input", "", false)).build();
    }

    /** The names of the layers with parameters, in graph order, without a prefix. */
    public static List<String> parameterLayerNames() {
        List<String> names = new ArrayList<>(List.of("conv32_down"));
        for (String block : List.of("conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2",
                "conv64_3", "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2",
                "conv256_down_out")) {
            names.add(block + "_conv1");
            names.add(block + "_conv2");
        }
        names.add("fc");
        return names;
    }

    /**
     * Adds the descriptor's layers to another graph, reading {@code input}: a normalised {@code [n, 3, 150, 150]} face
     * ({@code (x - mean RGB) / 255}). Every vertex is named {@code prefix + } its name here; with {@code frozen} the
     * layers with parameters are {@code FrozenLayerWithBackprop} (never updated, gradients still reach the input), as
     * in a training graph whose loss reads the descriptor of a generated face. Returns the output vertex
     * ({@code prefix + "fc"}); its weights are copied in by name with {@link #copyWeightsInto}.
     */
    public static String add(ComputationGraphConfiguration.GraphBuilder b, String input, String prefix,
                             boolean frozen) {
        Names n = new Names(prefix, frozen);
        b.addLayer(n.of("conv32_down"), n.layer(conv(7, 2, 3, 32, Activation.RELU)), input);
        b.addLayer(n.of("pool"), new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                .convolutionMode(ConvolutionMode.Truncate).build(), n.of("conv32_down"));
        String x = n.of("pool");
        int[] sides = {35, 17, 8, 4}; // feature map side entering each stage (150 -> 72 -> 35)
        x = residual(b, n, "conv32_1", x, 32);
        x = residual(b, n, "conv32_2", x, 32);
        x = residual(b, n, "conv32_3", x, 32);
        x = residualDown(b, n, "conv64_down", x, 32, 64, sides[0]);
        x = residual(b, n, "conv64_1", x, 64);
        x = residual(b, n, "conv64_2", x, 64);
        x = residual(b, n, "conv64_3", x, 64);
        x = residualDown(b, n, "conv128_down", x, 64, 128, sides[1]);
        x = residual(b, n, "conv128_1", x, 128);
        x = residual(b, n, "conv128_2", x, 128);
        x = residualDown(b, n, "conv256_down", x, 128, 256, sides[2]);
        x = residual(b, n, "conv256_1", x, 256);
        x = residual(b, n, "conv256_2", x, 256);
        x = residualDown(b, n, "conv256_down_out", x, 256, 256, sides[3]);
        b.addLayer(n.of("mean"), new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        b.addLayer(n.of("fc"), n.layer(new DenseLayer.Builder().nIn(256).nOut(DIMENSIONS).hasBias(false)
                .activation(Activation.IDENTITY).build()), n.of("mean"));
        return n.of("fc");
    }

    /** Copies this network's weights into the layers {@link #add} made in {@code target} under {@code prefix}. */
    public void copyWeightsInto(ComputationGraph target, String prefix) {
        for (String name : parameterLayerNames()) {
            if (target.getVertex(prefix + name) == null) {
                throw new IllegalArgumentException("The graph has no descriptor layer '" + prefix + name + "'.");
            }
            java.util.Map<String, INDArray> to = target.getLayer(prefix + name).paramTable();
            java.util.Map<String, INDArray> from = graph.getLayer(name).paramTable();
            if (!to.keySet().equals(from.keySet())) {
                throw new IllegalArgumentException("Descriptor layer '" + prefix + name + "' has parameters "
                        + to.keySet() + ", the loaded network " + from.keySet() + ".");
            }
            for (java.util.Map.Entry<String, INDArray> e : to.entrySet()) {
                INDArray v = from.get(e.getKey());
                if (!java.util.Arrays.equals(v.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException("Descriptor layer '" + prefix + name + "' " + e.getKey()
                            + " has shape " + java.util.Arrays.toString(e.getValue().shape()) + ", the loaded network "
                            + java.util.Arrays.toString(v.shape()) + ".");
                }
                e.getValue().assign(v.castTo(e.getValue().dataType()));
            }
        }
    }

    /** Vertex names under a prefix, and layers frozen or not. */
    private record Names(String prefix, boolean frozen) {
        String of(String name) {
            return prefix + name;
        }

        org.deeplearning4j.nn.conf.layers.Layer layer(org.deeplearning4j.nn.conf.layers.Layer l) {
            return frozen ? new FrozenLayerWithBackprop(l) : l;
        }
    }

    private static String residual(ComputationGraphConfiguration.GraphBuilder b, Names n, String name, String in,
                                   int ch) {
        b.addLayer(n.of(name + "_conv1"), n.layer(conv(3, 1, ch, ch, Activation.RELU)), in);
        b.addLayer(n.of(name + "_conv2"), n.layer(conv(3, 1, ch, ch, Activation.IDENTITY)), n.of(name + "_conv1"));
        b.addVertex(n.of(name + "_add"), new ElementWiseVertex(ElementWiseVertex.Op.Add), n.of(name + "_conv2"), in);
        b.addLayer(n.of(name), new ActivationLayer.Builder().activation(Activation.RELU).build(), n.of(name + "_add"));
        return n.of(name);
    }

    private static String residualDown(ComputationGraphConfiguration.GraphBuilder b, Names n, String name, String in,
                                       int chIn, int chOut, int side) {
        b.addLayer(n.of(name + "_conv1"), n.layer(conv(3, 2, chIn, chOut, Activation.RELU)), in);
        b.addLayer(n.of(name + "_conv2"), n.layer(conv(3, 1, chOut, chOut, Activation.IDENTITY)),
                n.of(name + "_conv1"));
        String out = n.of(name + "_conv2");
        int convSide = (side - 3) / 2 + 1;
        if (side / 2 != convSide) { // the average pool keeps one pixel more than the stride-2 convolution
            b.addLayer(n.of(name + "_padconv"), new ZeroPaddingLayer.Builder(0, side / 2 - convSide, 0,
                    side / 2 - convSide).build(), out);
            out = n.of(name + "_padconv");
        }
        b.addLayer(n.of(name + "_pool"), new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2)
                .convolutionMode(ConvolutionMode.Truncate).build(), in);
        String shortcut = n.of(name + "_pool");
        if (chOut != chIn) {
            if (chOut != 2 * chIn) {
                throw new IllegalStateException("A downsampling block doubles the channels; got " + chIn + " -> "
                        + chOut + ".");
            }
            b.addVertex(n.of(name + "_zeros"), new ScaleVertex(0.0), shortcut);
            b.addVertex(n.of(name + "_padch"), new MergeVertex(), shortcut, n.of(name + "_zeros"));
            shortcut = n.of(name + "_padch");
        }
        b.addVertex(n.of(name + "_add"), new ElementWiseVertex(ElementWiseVertex.Op.Add), out, shortcut);
        b.addLayer(n.of(name), new ActivationLayer.Builder().activation(Activation.RELU).build(), n.of(name + "_add"));
        return n.of(name);
    }

    private static ConvolutionLayer conv(int k, int stride, int in, int out, Activation act) {
        return new ConvolutionLayer.Builder(k, k).stride(stride, stride).nIn(in).nOut(out).activation(act)
                .convolutionMode(stride == 1 ? ConvolutionMode.Same : ConvolutionMode.Truncate).build();
    }
}
