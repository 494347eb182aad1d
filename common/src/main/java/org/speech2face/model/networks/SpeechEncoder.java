package org.speech2face.model.networks;

import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.layers.ChannelLayout;
import org.speech2face.model.layers.FastBatchNormalization;
import org.speech2face.model.layers.FastConvolution;
import org.speech2face.model.layers.FastSubsampling;
import org.speech2face.model.layers.InPlaceRelu;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The speech encoder SE (Table 3): five convolutions with batch norm and ReLU and three max-pools over the complex
 * spectrogram [2, 598, 257] (time x frequency), CBAM, Fc1 as a 1x1 convolution with ReLU, global average pooling,
 * and the fusion layer Fc2 that meets the prior face feature ({@link PriorFusion}). Convolutions truncate (floor),
 * as PyTorch does; they carry no bias because batch norm follows.
 *
 * <p>Where a max-pool follows a ReLU, the pool runs first: max-pooling and ReLU commute (both are monotonic), so the
 * output is the same while the ReLU touches a quarter of the data (the first block's map is 64x297x127 per sample).
 */
public final class SpeechEncoder {
    public static final String INPUT = "spectrogram";
    public static final String PRIOR = "prior";
    /** The convolution blocks run channels-last between these two ({@link ChannelLayout}); CBAM on is NCHW. */
    public static final String CHANNELS_LAST = "se_nhwc";
    public static final String CHANNELS_FIRST = "se_nchw";
    public static final String CBAM = "se_cbam";
    public static final String POOLED = "se_avgpool";
    public static final String FC2 = "se_fc2";
    public static final String FUSION = "se_fusion";

    private SpeechEncoder() {
    }

    /** Input types, in input order: the spectrogram, then the prior when the fusion uses one. */
    public static InputType[] inputTypes(ModelProfile profile, PriorFusion fusion) {
        return inputTypes(profile, fusion, profile.featureDim());
    }

    /** {@link #inputTypes(ModelProfile, PriorFusion)} for Sf and priors of {@code featureDim} values. */
    public static InputType[] inputTypes(ModelProfile profile, PriorFusion fusion, int featureDim) {
        InputType spec = InputType.convolutional(ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS,
                ModelProfile.SPECTROGRAM_CHANNELS);
        return fusion.usesPrior() ? new InputType[] {spec, InputType.feedForward(featureDim)}
                : new InputType[] {spec};
    }

    /** Input names matching {@link #inputTypes}. */
    public static String[] inputNames(PriorFusion fusion) {
        return fusion.usesPrior() ? new String[] {INPUT, PRIOR} : new String[] {INPUT};
    }

    /** The inference graph: spectrogram (and prior) in, Sf out. */
    public static ComputationGraphConfiguration configuration(ModelProfile profile, PriorFusion fusion,
                                                              DataType dataType, long seed) {
        GraphBuilder b = Networks.base(dataType, seed, null).graphBuilder().addInputs(inputNames(fusion));
        String out = add(b, profile, fusion);
        return b.setOutputs(out).setInputTypes(inputTypes(profile, fusion)).build();
    }

    /** Adds SE reading the graph inputs {@link #INPUT} (and {@link #PRIOR}); returns the name of Sf's vertex. */
    static String add(GraphBuilder b, ModelProfile profile, PriorFusion fusion) {
        return add(b, profile, fusion, profile.featureDim());
    }

    /** {@link #add(GraphBuilder, ModelProfile, PriorFusion)} predicting Sf of {@code featureDim} values. */
    static String add(GraphBuilder b, ModelProfile profile, PriorFusion fusion, int featureDim) {
        int[] w = profile.encoderWidths();
        b.addLayer(CHANNELS_LAST, new ChannelLayout(CNN2DFormat.NHWC), INPUT);
        String last = convBn(b, "se_conv1", CHANNELS_LAST, 7, 2, 1, w[0], false);
        last = relu(b, "se_relu1", pool(b, "se_pool1", last, 3, 3, 2, 2));
        last = convBn(b, "se_conv2", last, 5, 2, 1, w[1]);
        last = relu(b, "se_relu2", pool(b, "se_pool2", last, 3, 3, 2, 2));
        last = relu(b, "se_relu3", convBn(b, "se_conv3", last, 3, 1, 1, w[2]));
        last = relu(b, "se_relu4", convBn(b, "se_conv4", last, 3, 1, 1, w[3]));
        last = convBn(b, "se_conv5", last, 3, 1, 1, w[4]);
        last = relu(b, "se_relu5", pool(b, "se_pool3", last, 5, 3, 3, 2));
        b.addLayer(CHANNELS_FIRST, new ChannelLayout(CNN2DFormat.NCHW), last);
        b.addLayer(CBAM, new Cbam.Builder().reduction(profile.cbamReduction()).build(), CHANNELS_FIRST);
        int features = featureDim;
        // the ReLU as its own layer: a convolution with the identity activation skips DL4J's forward recomputation
        b.addLayer("se_fc1", new FastConvolution.Builder(1, 1).nOut(features).activation(Activation.IDENTITY).build(), CBAM);
        String fc1 = relu(b, "se_fc1_relu", "se_fc1");
        b.addLayer(POOLED, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), fc1);
        DenseLayer fc2 = new DenseLayer.Builder().nOut(features).activation(Activation.IDENTITY).build();
        switch (fusion) {
            case NONE -> b.addLayer(FC2, fc2, POOLED);
            case ADD -> {
                b.addLayer(FC2, fc2, POOLED);
                b.addVertex(FUSION, new ElementWiseVertex(ElementWiseVertex.Op.Add), FC2, PRIOR);
                return FUSION;
            }
            case ADD_FC -> {
                b.addVertex(FUSION, new ElementWiseVertex(ElementWiseVertex.Op.Add), POOLED, PRIOR);
                b.addLayer(FC2, fc2, FUSION);
            }
            default -> throw new IllegalStateException("Unhandled prior fusion " + fusion + ".");
        }
        return FC2;
    }

    /** Convolution (no bias) and batch norm; returns the batch norm's name. */
    private static String convBn(GraphBuilder b, String name, String in, int k, int stride, int pad, int out) {
        return convBn(b, name, in, k, stride, pad, out, true);
    }

    /** {@code inputGradient} false where the input is the spectrogram, which no gradient is wanted for. */
    private static String convBn(GraphBuilder b, String name, String in, int k, int stride, int pad, int out,
                                 boolean inputGradient) {
        b.addLayer(name, new FastConvolution.Builder(k, k).inputGradient(inputGradient).stride(stride, stride)
                .padding(pad, pad).nOut(out).hasBias(false).activation(Activation.IDENTITY).build(), in);
        String bn = name.replace("conv", "bn");
        b.addLayer(bn, new FastBatchNormalization(), name);
        return bn;
    }

    /**
     * ReLU in place: every ReLU here reads a map nothing else reads (a pool's, a batch norm's or Fc1's output), and
     * DL4J's ActivationLayer would copy it, forward and backward.
     */
    private static String relu(GraphBuilder b, String name, String in) {
        b.addLayer(name, new InPlaceRelu(), in);
        return name;
    }

    private static String pool(GraphBuilder b, String name, String in, int kh, int kw, int sh, int sw) {
        b.addLayer(name, new FastSubsampling.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(kh, kw)
                .stride(sh, sw).build(), in);
        return name;
    }
}
