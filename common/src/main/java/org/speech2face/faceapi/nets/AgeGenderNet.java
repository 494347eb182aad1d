package org.speech2face.faceapi.nets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.speech2face.faceapi.FaceApiInput;
import org.speech2face.faceapi.FaceApiModel;
import org.speech2face.faceapi.RgbImage;
import org.speech2face.faceapi.weights.GraphParams;
import org.speech2face.faceapi.weights.TfLayouts;
import org.speech2face.faceapi.weights.TfjsWeights;

/**
 * face-api's age and gender network ({@code age_gender_model}): a tiny Xception on a 112x112 face, then an average
 * pool and two dense heads, age in years (a regression) and gender as a softmax whose index 0 is male.
 *
 * <p>Input {@code (x - mean RGB) / 255}. Every convolution and pooling pads as TF's "same" does: with an even input
 * and stride 2 the one padding row and column go at the bottom right, and the max pool treats padding as minus
 * infinity (DL4J's "Same" mode does both; getting either wrong moves the age by years).
 */
public final class AgeGenderNet {
    public static final int SIDE = 112;
    private static final int MAIN_BLOCKS = 2;

    private final ComputationGraph graph;

    /** One face's age and gender. @param maleProbability the softmax's index 0 */
    public record AgeGender(double age, double maleProbability) {
        public boolean male() {
            return maleProbability > 0.5;
        }

        /** face-api's genderProbability: the probability of the gender it reports. */
        public double genderProbability() {
            return male() ? maleProbability : 1 - maleProbability;
        }

        public String gender() {
            return male() ? "male" : "female";
        }
    }

    private AgeGenderNet(ComputationGraph graph) {
        this.graph = graph;
    }

    public static AgeGenderNet load(Path modelsDir) throws IOException {
        return fromWeights(TfjsWeights.read(FaceApiModel.AGE_GENDER.manifest(modelsDir)));
    }

    public static AgeGenderNet fromWeights(TfjsWeights w) {
        ComputationGraph g = new ComputationGraph(configuration());
        g.init();
        setConv(g, w, "entry_flow/conv_in", "conv_in");
        List<String> separables = new ArrayList<>();
        for (String block : List.of("entry_flow/reduction_block_0", "entry_flow/reduction_block_1",
                "exit_flow/reduction_block")) {
            separables.add(block + "/separable_conv0");
            separables.add(block + "/separable_conv1");
            setConv(g, w, block + "/expansion_conv", layerName(block + "/expansion_conv"));
        }
        for (int i = 0; i < MAIN_BLOCKS; i++) {
            for (int j = 0; j < 3; j++) {
                separables.add("middle_flow/main_block_" + i + "/separable_conv" + j);
            }
        }
        separables.add("exit_flow/separable_conv");
        for (String s : separables) {
            String layer = layerName(s);
            GraphParams.set(g, layer, "W", TfLayouts.hwioToOihw(w.get(s + "/depthwise_filter")));
            GraphParams.set(g, layer, "pW", TfLayouts.hwioToOihw(w.get(s + "/pointwise_filter")));
            GraphParams.set(g, layer, "b", TfLayouts.row(w.get(s + "/bias")));
        }
        for (String head : List.of("age", "gender")) {
            GraphParams.set(g, head, "W", TfLayouts.dense(w.get("fc/" + head + "/weights")));
            GraphParams.set(g, head, "b", TfLayouts.row(w.get("fc/" + head + "/bias")));
        }
        return new AgeGenderNet(g);
    }

    /** Age and gender of a batch of faces, each padded to a centred square and resized as face-api does. */
    public List<AgeGender> predict(List<RgbImage> faces) {
        INDArray[] out = predict(FaceApiInput.batch(faces, SIDE, true));
        List<AgeGender> result = new ArrayList<>();
        for (int i = 0; i < faces.size(); i++) {
            result.add(new AgeGender(out[0].getDouble(i, 0), out[1].getDouble(i, 0)));
        }
        return result;
    }

    /** {age [n, 1], gender softmax [n, 2]} of {@code [n, 3, 112, 112]} RGB pixels in 0..255. */
    public INDArray[] predict(INDArray rgb) {
        FaceApiInput.requireShape(rgb, SIDE);
        return graph.output(FaceApiInput.normalise(rgb, FaceDescriptorNet.MEAN_RGB, 255));
    }

    public ComputationGraph graph() {
        return graph;
    }

    private static String layerName(String tfPrefix) {
        return tfPrefix.substring(tfPrefix.indexOf('/') + 1).replace('/', '_');
    }

    private static void setConv(ComputationGraph g, TfjsWeights w, String prefix, String layer) {
        GraphParams.set(g, layer, "W", TfLayouts.hwioToOihw(w.get(prefix + "/filters")));
        GraphParams.set(g, layer, "b", TfLayouts.row(w.get(prefix + "/bias")));
    }

    static ComputationGraphConfiguration configuration() {
        ComputationGraphConfiguration.GraphBuilder b = NetConfig.builder()
                .addInputs("input").setInputTypes(InputType.convolutional(SIDE, SIDE, 3));
        b.addLayer("conv_in", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nIn(3).nOut(32)
                .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "input");
        String x = reduction(b, "reduction_block_0", "conv_in", 32, 64, false);
        x = reduction(b, "reduction_block_1", x, 64, 128, true);
        for (int i = 0; i < MAIN_BLOCKS; i++) {
            x = main(b, "main_block_" + i, x, 128);
        }
        x = reduction(b, "reduction_block", x, 128, 256, true);
        b.addLayer("separable_conv", separable(256, 512, Activation.RELU), x);
        b.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "separable_conv");
        b.addLayer("age", new DenseLayer.Builder().nIn(512).nOut(1).activation(Activation.IDENTITY).build(), "pool");
        b.addLayer("gender", new DenseLayer.Builder().nIn(512).nOut(2).activation(Activation.SOFTMAX).build(), "pool");
        return b.setOutputs("age", "gender").build();
    }

    private static String reduction(ComputationGraphConfiguration.GraphBuilder b, String name, String in, int chIn,
                                    int chOut, boolean activateInput) {
        String a = in;
        if (activateInput) {
            b.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), in);
            a = name + "_relu";
        }
        b.addLayer(name + "_separable_conv0", separable(chIn, chOut, Activation.RELU), a);
        b.addLayer(name + "_separable_conv1", separable(chOut, chOut, Activation.IDENTITY), name + "_separable_conv0");
        b.addLayer(name + "_pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                .convolutionMode(ConvolutionMode.Same).build(), name + "_separable_conv1");
        b.addLayer(name + "_expansion_conv", new ConvolutionLayer.Builder(1, 1).stride(2, 2).nIn(chIn).nOut(chOut)
                .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), in);
        b.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_pool", name + "_expansion_conv");
        return name;
    }

    private static String main(ComputationGraphConfiguration.GraphBuilder b, String name, String in, int ch) {
        b.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), in);
        b.addLayer(name + "_separable_conv0", separable(ch, ch, Activation.RELU), name + "_relu");
        b.addLayer(name + "_separable_conv1", separable(ch, ch, Activation.RELU), name + "_separable_conv0");
        b.addLayer(name + "_separable_conv2", separable(ch, ch, Activation.IDENTITY), name + "_separable_conv1");
        b.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_separable_conv2", in);
        return name;
    }

    private static SeparableConvolution2D separable(int in, int out, Activation act) {
        return new SeparableConvolution2D.Builder(3, 3).stride(1, 1).depthMultiplier(1).nIn(in).nOut(out)
                .convolutionMode(ConvolutionMode.Same).activation(act).build();
    }
}
