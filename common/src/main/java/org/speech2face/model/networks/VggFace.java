package org.speech2face.model.networks;

import org.speech2face.model.layers.ChannelLayout;
import org.speech2face.model.layers.CopyingRelu;
import org.speech2face.model.layers.FastConvolution;
import org.speech2face.model.layers.FastSubsampling;
import org.speech2face.model.layers.FrozenDense;
import org.speech2face.model.layers.VggFacePreprocess;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * VGGFace (Parkhi et al. 2015): the VGG16 trunk with fc6, fc7 and fc8, laid out so that AR-SPM's two read-outs are
 * plain graph vertices. {@link #FC7} is the face feature Ff, fc7 <em>before</em> its ReLU; {@link #FC8} is
 * VFc3(Ff) = fc8(relu(fc7)), the identity logits. The graph's input is an RGB face in [0, 1], NCHW;
 * {@link VggFacePreprocess} turns it into VGGFace's BGR, mean-subtracted 0-255 input as its first layer.
 */
public final class VggFace {
    public static final String INPUT = "face";
    public static final String PREPROCESS = "vgg_preprocess";
    /** The convolutions and pools run channels-last between these two ({@link ChannelLayout}). */
    public static final String CHANNELS_LAST = "vgg_nhwc";
    public static final String CHANNELS_FIRST = "vgg_nchw";
    public static final String FC6 = "vgg_fc6";
    public static final String FC7 = "vgg_fc7";
    public static final String FC7_RELU = "vgg_fc7_relu";
    public static final String FC8 = "vgg_fc8";
    /** Convolutions per VGG16 block. */
    private static final int[] BLOCK_DEPTH = {2, 2, 3, 3, 3};

    private VggFace() {
    }

    /** Names of the thirteen convolutions, in order: vgg_conv1_1 ... vgg_conv5_3. */
    public static List<String> convolutionNames() {
        List<String> names = new ArrayList<>();
        for (int b = 0; b < BLOCK_DEPTH.length; b++) {
            for (int i = 0; i < BLOCK_DEPTH[b]; i++) {
                names.add("vgg_conv" + (b + 1) + "_" + (i + 1));
            }
        }
        return names;
    }

    /** Every layer with parameters, in order: 13 convolutions, fc6, fc7, fc8. */
    public static List<String> parameterLayerNames() {
        List<String> names = convolutionNames();
        names.add(FC6);
        names.add(FC7);
        names.add(FC8);
        return names;
    }

    /** The inference graph: input {@link #INPUT}, outputs {@link #FC7} (Ff) and {@link #FC8} (identity logits). */
    public static ComputationGraphConfiguration configuration(ModelProfile profile, DataType dataType, long seed) {
        GraphBuilder b = Networks.base(dataType, seed, null).graphBuilder().addInputs(INPUT);
        add(b, INPUT, profile, false, true);
        return b.setOutputs(FC7, FC8)
                .setInputTypes(InputType.convolutional(profile.faceSize(), profile.faceSize(), 3))
                .build();
    }

    /**
     * Adds VGGFace on top of vertex {@code input}, optionally frozen (parameters never updated, gradients still
     * flow to the input) and optionally with fc8. Returns the name of the fc7 vertex.
     */
    static String add(GraphBuilder b, String input, ModelProfile profile, boolean frozen, boolean withFc8) {
        b.addLayer(PREPROCESS, new VggFacePreprocess(), input);
        b.addLayer(CHANNELS_LAST, new ChannelLayout(CNN2DFormat.NHWC), PREPROCESS);
        String last = CHANNELS_LAST;
        int[] widths = profile.vggWidths();
        List<String> convs = convolutionNames();
        int k = 0;
        for (int block = 0; block < BLOCK_DEPTH.length; block++) {
            for (int i = 0; i < BLOCK_DEPTH[block]; i++) {
                String name = convs.get(k++);
                // frozen: input gradients only (FrozenLayerWithBackprop would discard the weight gradients)
                b.addLayer(name, frozen(frozen, new FastConvolution.Builder(3, 3).frozenWeights(frozen).stride(1, 1)
                        .padding(1, 1).convolutionMode(ConvolutionMode.Truncate).nOut(widths[block])
                        .activation(Activation.RELU).build()), last);
                last = name;
            }
            String pool = "vgg_pool" + (block + 1);
            b.addLayer(pool, new FastSubsampling.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                    .stride(2, 2).build(), last);
            last = pool;
        }
        b.addLayer(CHANNELS_FIRST, new ChannelLayout(CNN2DFormat.NCHW), last); // fc6 flattens NCHW, as the weights expect
        int features = profile.featureDim();
        b.addLayer(FC6, frozen(frozen, new DenseLayer.Builder().nOut(features).activation(Activation.RELU).build()), CHANNELS_FIRST);
        b.addLayer(FC7, frozen(frozen, new DenseLayer.Builder().nOut(features).activation(Activation.IDENTITY).build()), FC6);
        if (withFc8) {
            b.addLayer(FC7_RELU, new CopyingRelu(), FC7); // not ActivationLayer: it would ReLU fc7's output in place
            b.addLayer(FC8, frozen(frozen, new DenseLayer.Builder().nOut(profile.identities())
                    .activation(Activation.IDENTITY).build()), FC7_RELU);
        }
        return FC7;
    }

    /**
     * Frozen: parameters never updated, input gradients only, fc6 and fc7 without a resident weight gradient, and no
     * optimiser state. FrozenLayerWithBackprop keeps its layer's updater, so without the explicit NoOp the graph's
     * Adam would hold moments for all 134 million VGGFace parameters (1.07 GB of zeros at paper size).
     */
    private static Layer frozen(boolean frozen, Layer layer) {
        if (!frozen) {
            return layer;
        }
        ((BaseLayer) layer).setIUpdater(new NoOp());
        ((BaseLayer) layer).setBiasUpdater(null);
        return new FrozenLayerWithBackprop(layer instanceof DenseLayer d ? FrozenDense.of(d) : layer);
    }
}
