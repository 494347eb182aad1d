package org.speech2face.model.networks;

import org.speech2face.model.layers.FastBatchNormalization;
import org.speech2face.model.layers.FastConvolution;
import org.speech2face.model.layers.FastDeconvolution;
import org.speech2face.model.layers.InPlaceRelu;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The face decoder FD (Table 2, after Cole et al.): Ff -> fc (DFc1) -> fc -> reshape to VGGFace's last map
 * (7x7x512 in the paper profile) -> eleven 5x5 transposed convolutions, each followed by batch norm and ReLU, with
 * CBAM after the widest block -> 1x1 convolution to RGB -> sigmoid.
 *
 * <p>Table 2 prints four stride-2 layers, which reach only 112 px; the text, VGGFace and 5-scale MS-SSIM all need
 * 224, so five are used: strides 2,2,1,1,1,2,1,1,2,1,2 (docs/paper-recipes.md). The stride-2 layers are 'Same' transposed
 * convolutions ({@link FastDeconvolution}), exactly {@code in * stride} outputs, the sizes of Table 2's padding 2 /
 * output padding 1, aligned as PyTorch's ConvTranspose2d with that padding aligns them (decoders saved before that
 * keep DL4J's Deconvolution2D and its one-pixel-earlier window: see docs/benchmarks.md). The six
 * stride-1 layers are ordinary 5x5 convolutions (pad 2): the same function family with the same parameter count
 * (a stride-1 transposed convolution is a convolution with a flipped kernel), which DL4J runs on oneDNN; they carry
 * 82% of FD's FLOPs. None has a bias (batch norm follows). Both fc layers use ReLU, so DFc1(x) = relu(W1 x + b1).
 */
public final class FaceDecoder {
    public static final String INPUT = "face_feature";
    public static final String FC1 = "fd_fc1";
    public static final String FC2 = "fd_fc2";
    public static final String CBAM = "fd_cbam";
    public static final String TO_RGB = "fd_rgb";
    /** Output vertex: RGB face in [0, 1], NCHW. */
    public static final String OUTPUT = TO_RGB;
    static final Activation FC1_ACTIVATION = Activation.RELU;

    private FaceDecoder() {
    }

    /** The inference graph: Ff in, face out. */
    public static ComputationGraphConfiguration configuration(ModelProfile profile, DataType dataType, long seed) {
        return configuration(profile, profile.featureDim(), dataType, seed);
    }

    /** The inference graph for features of {@code featureDim} values (another feature network than VGGFace). */
    public static ComputationGraphConfiguration configuration(ModelProfile profile, int featureDim, DataType dataType,
                                                              long seed) {
        GraphBuilder b = Networks.base(dataType, seed, null).graphBuilder().addInputs(INPUT);
        add(b, INPUT, profile);
        return b.setOutputs(OUTPUT).setInputTypes(InputType.feedForward(featureDim)).build();
    }

    /** Adds FD on top of vertex {@code input} (a feature vector); returns the output vertex name. */
    static String add(GraphBuilder b, String input, ModelProfile profile) {
        int grid = profile.decoderGrid();
        int[] widths = profile.decoderWidths();
        int[] strides = profile.decoderStrides();
        b.addLayer(FC1, new DenseLayer.Builder().nOut(profile.decoderHidden()).activation(FC1_ACTIVATION).build(), input);
        b.addLayer(FC2, new DenseLayer.Builder().nOut((long) grid * grid * widths[0]).activation(Activation.RELU).build(), FC1);
        String last = FC2;
        for (int i = 0; i < widths.length; i++) {
            String deconv = "fd_deconv" + (i + 1);
            // a stride-1 transposed convolution is a convolution with its kernel flipped and in/out swapped: same
            // function family and parameter count, and DL4J runs convolutions on oneDNN (not transposed ones)
            org.deeplearning4j.nn.conf.layers.Layer layer = strides[i] == 1
                    ? new FastConvolution.Builder(5, 5).stride(1, 1).convolutionMode(ConvolutionMode.Same)
                            .nOut(widths[i]).hasBias(false).activation(Activation.IDENTITY).build()
                    : new FastDeconvolution.Builder().alignment(FastDeconvolution.Alignment.PYTORCH).kernelSize(5, 5)
                            .stride(strides[i], strides[i]).nOut(widths[i]).hasBias(false)
                            .activation(Activation.IDENTITY).build();
            if (i == 0) {
                b.addLayer(deconv, layer, new FeedForwardToCnnPreProcessor(grid, grid, widths[0]), last);
            } else {
                b.addLayer(deconv, layer, last);
            }
            b.addLayer("fd_bn" + (i + 1), new FastBatchNormalization(), deconv);
            // in place: the batch-norm output is read by this ReLU alone
            b.addLayer("fd_relu" + (i + 1), new InPlaceRelu(), "fd_bn" + (i + 1));
            last = "fd_relu" + (i + 1);
            if (i == profile.decoderCbamAfter()) {
                b.addLayer(CBAM, new Cbam.Builder().reduction(profile.cbamReduction()).build(), last);
                last = CBAM;
            }
        }
        b.addLayer(TO_RGB, new FastConvolution.Builder(1, 1).nOut(3).activation(Activation.SIGMOID).build(), last);
        return TO_RGB;
    }
}
