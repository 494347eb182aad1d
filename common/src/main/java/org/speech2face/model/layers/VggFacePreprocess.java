package org.speech2face.model.layers;


import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * VGGFace's own input convention, inside the graph: RGB in [0, 1] (what PNG decoding and the face decoder's
 * sigmoid give) becomes BGR in 0-255 minus the VGGFace means (B 93.5940, G 104.7624, R 129.1863; not the ImageNet
 * means). Being part of the graph, the same conversion applies to real faces and, with its gradient, to generated
 * ones in the decoder's training graph. No parameters; NCHW in and out. A plain layer rather than a SameDiff one:
 * SameDiff's per-call overhead made this affine map cost 770 ms per batch of 16 faces, a quarter of VGGFace.
 */
public class VggFacePreprocess extends ParameterlessLayer {
    /** Channel means in BGR order, from Parkhi et al.'s release. */
    public static final double[] MEAN_BGR = {93.5940, 104.7624, 129.1863};

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c) || c.getChannels() != 3
                || c.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("VGGFace preprocessing needs a 3-channel NCHW image input, got "
                    + inputType + ".");
        }
        return inputType;
    }


    @Override
    org.deeplearning4j.nn.api.Layer newRuntime(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VggFacePreprocess && super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    /** out[:, c] = 255 * in[:, 2 - c] - MEAN_BGR[c]; the gradient is 255 times the channel-swapped one. */
    static final class Runtime extends ParameterlessLayer.Runtime<VggFacePreprocess> {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private static INDArray channel(INDArray a, int c) {
            return a.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all());
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            if (input.rank() != 4 || input.size(1) != 3) {
                throw new IllegalArgumentException("VGGFace preprocessing needs [N, 3, H, W] RGB faces, got shape "
                        + java.util.Arrays.toString(input.shape()) + ".");
            }
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), 'c');
            for (int c = 0; c < 3; c++) {
                channel(out, c).assign(channel(input, 2 - c)).muli(255.0).subi(MEAN_BGR[c]);
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            INDArray back = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                    epsilon.shape(), 'c');
            for (int c = 0; c < 3; c++) {
                channel(back, 2 - c).assign(channel(epsilon, c)).muli(255.0);
            }
            return new Pair<>(new DefaultGradient(), back);
        }

    }
}
