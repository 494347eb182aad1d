package org.speech2face.faceapi.nets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.speech2face.faceapi.FaceApiInput;
import org.speech2face.faceapi.FaceApiModel;
import org.speech2face.faceapi.RgbImage;
import org.speech2face.faceapi.weights.GraphParams;
import org.speech2face.faceapi.weights.TfLayouts;
import org.speech2face.faceapi.weights.TfjsTensor;
import org.speech2face.faceapi.weights.TfjsWeights;

/**
 * face-api's SSD MobileNet v1 face detector ({@code ssd_mobilenetv1_model}): a 512x512 image (padded to a square
 * on the right or bottom, not centred) in {@code x / 127.5 - 1}, MobileNet v1 with ReLU6, and six box predictors on
 * feature maps of 32, 16, 8, 4, 2 and 1 pixels with 3 or 6 anchors a cell, 5118 anchors in all. The graph ends at
 * the predictors' convolutions; {@link SsdPostProcessing} decodes their output against the anchors, scores, and
 * suppresses overlaps. MobileNet's inference batch norms are folded into its depthwise convolutions.
 */
public final class SsdMobilenetV1 {
    public static final int SIDE = 512;
    static final int PREDICTORS = 6;
    private static final double BN_EPSILON = 0.0010000000474974513;
    private static final int[] CHANNELS = {32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};

    private final ComputationGraph graph;
    private final float[] anchors;

    private SsdMobilenetV1(ComputationGraph graph, float[] anchors) {
        this.graph = graph;
        this.anchors = anchors;
    }

    public static SsdMobilenetV1 load(Path modelsDir) throws IOException {
        return fromWeights(TfjsWeights.read(FaceApiModel.SSD_MOBILENET_V1.manifest(modelsDir)));
    }

    public static SsdMobilenetV1 fromWeights(TfjsWeights w) {
        ComputationGraph g = new ComputationGraph(configuration());
        g.init();
        setPointwise(g, w, "MobilenetV1/Conv2d_0_pointwise", "conv_0");
        for (int i = 1; i <= 13; i++) {
            String p = "MobilenetV1/Conv2d_" + i + "_depthwise";
            double[] gamma = GraphParams.doubles(w.get(p + "/BatchNorm/gamma").values());
            double[] beta = GraphParams.doubles(w.get(p + "/BatchNorm/beta").values());
            double[] mean = GraphParams.doubles(w.get(p + "/BatchNorm/moving_mean").values());
            double[] var = GraphParams.doubles(w.get(p + "/BatchNorm/moving_variance").values());
            double[] a = new double[gamma.length];
            double[] c = new double[gamma.length];
            for (int k = 0; k < a.length; k++) {
                a[k] = gamma[k] / Math.sqrt(var[k] + BN_EPSILON);
                c[k] = beta[k] - mean[k] * a[k];
            }
            TfjsTensor kernel = w.get(p + "/depthwise_weights");
            INDArray[] folded = GraphParams.foldAffine(kernel, null, a, c, 2);
            GraphParams.set(g, "conv_" + i + "_depthwise", "W", TfLayouts.depthwise(
                    new TfjsTensor(kernel.name(), kernel.shape(), folded[0].data().asFloat())));
            GraphParams.set(g, "conv_" + i + "_depthwise", "b", folded[1]);
            setPointwise(g, w, "MobilenetV1/Conv2d_" + i + "_pointwise", "conv_" + i + "_pointwise");
        }
        for (int i = 0; i < 8; i++) {
            setPointwise(g, w, "Prediction/Conv2d_" + i + "_pointwise", "prediction_conv_" + i);
        }
        for (int i = 0; i < PREDICTORS; i++) {
            String p = "Prediction/BoxPredictor_" + i;
            GraphParams.set(g, "box_" + i, "W", TfLayouts.hwioToOihw(w.get(p + "/BoxEncodingPredictor/weights")));
            GraphParams.set(g, "box_" + i, "b", TfLayouts.row(w.get(p + "/BoxEncodingPredictor/biases")));
            GraphParams.set(g, "class_" + i, "W", TfLayouts.hwioToOihw(w.get(p + "/ClassPredictor/weights")));
            GraphParams.set(g, "class_" + i, "b", TfLayouts.row(w.get(p + "/ClassPredictor/biases")));
        }
        float[] anchors = w.get("Output/extra_dim").requireShape(1, SsdPostProcessing.ANCHORS, 4).values();
        return new SsdMobilenetV1(g, anchors);
    }

    /** Raw detections (every anchor's box and score) for a batch of images of any sizes. */
    public List<SsdPostProcessing.RawDetections> forward(List<RgbImage> images) {
        INDArray out = FaceApiInput.batch(images, SIDE, false);
        return forward(out);
    }

    /** Raw detections for {@code [n, 3, 512, 512]} RGB pixels in 0..255. */
    public List<SsdPostProcessing.RawDetections> forward(INDArray rgb) {
        FaceApiInput.requireShape(rgb, SIDE);
        INDArray x = rgb.castTo(DataType.FLOAT).div(127.5f).subi(1f);
        INDArray[] heads = graph.output(x);
        List<SsdPostProcessing.RawDetections> result = new ArrayList<>();
        for (int n = 0; n < rgb.size(0); n++) {
            result.add(SsdPostProcessing.decode(heads, n, anchors));
        }
        return result;
    }

    public ComputationGraph graph() {
        return graph;
    }

    private static void setPointwise(ComputationGraph g, TfjsWeights w, String prefix, String layer) {
        GraphParams.set(g, layer, "W", TfLayouts.hwioToOihw(w.get(prefix + "/weights")));
        GraphParams.set(g, layer, "b", TfLayouts.row(w.get(prefix + "/convolution_bn_offset")));
    }

    static ComputationGraphConfiguration configuration() {
        ComputationGraphConfiguration.GraphBuilder b = NetConfig.builder()
                .addInputs("input").setInputTypes(InputType.convolutional(SIDE, SIDE, 3));
        b.addLayer("conv_0", conv(3, 2, 3, CHANNELS[0], Activation.RELU6), "input");
        String x = "conv_0";
        for (int i = 1; i <= 13; i++) {
            int stride = i == 2 || i == 4 || i == 6 || i == 12 ? 2 : 1;
            b.addLayer("conv_" + i + "_depthwise", new DepthwiseConvolution2D.Builder(3, 3).stride(stride, stride)
                    .depthMultiplier(1).nIn(CHANNELS[i - 1]).nOut(CHANNELS[i - 1]).hasBias(true)
                    .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU6).build(), x);
            b.addLayer("conv_" + i + "_pointwise", conv(1, 1, CHANNELS[i - 1], CHANNELS[i], Activation.RELU6),
                    "conv_" + i + "_depthwise");
            x = "conv_" + i + "_pointwise";
        }
        int[][] prediction = {{1, 1, 1024, 256}, {3, 2, 256, 512}, {1, 1, 512, 128}, {3, 2, 128, 256},
                {1, 1, 256, 128}, {3, 2, 128, 256}, {1, 1, 256, 64}, {3, 2, 64, 128}};
        String p = x;
        for (int i = 0; i < prediction.length; i++) {
            int[] s = prediction[i];
            b.addLayer("prediction_conv_" + i, conv(s[0], s[1], s[2], s[3], Activation.RELU6), p);
            p = "prediction_conv_" + i;
        }
        String[] sources = {"conv_11_pointwise", "conv_13_pointwise", "prediction_conv_1", "prediction_conv_3",
                "prediction_conv_5", "prediction_conv_7"};
        int[] sourceChannels = {512, 1024, 512, 256, 256, 128};
        String[] outputs = new String[2 * PREDICTORS];
        for (int i = 0; i < PREDICTORS; i++) {
            int anchorsPerCell = i == 0 ? 3 : 6;
            b.addLayer("box_" + i, conv(1, 1, sourceChannels[i], 4 * anchorsPerCell, Activation.IDENTITY), sources[i]);
            b.addLayer("class_" + i, conv(1, 1, sourceChannels[i], 3 * anchorsPerCell, Activation.IDENTITY),
                    sources[i]);
            outputs[i] = "box_" + i;
            outputs[PREDICTORS + i] = "class_" + i;
        }
        return b.setOutputs(outputs).build();
    }

    private static ConvolutionLayer conv(int k, int stride, int in, int out, Activation act) {
        return new ConvolutionLayer.Builder(k, k).stride(stride, stride).nIn(in).nOut(out).activation(act)
                .convolutionMode(ConvolutionMode.Same).build();
    }
}
