package org.speech2face.model.layers;

import java.util.Objects;

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
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Re-lays 2-D activations out as NCHW or NHWC, so that the convolution stacks run channels-last inside graphs whose
 * inputs and read-outs stay NCHW (the data contracts, fc6's flatten order and imported weights are unchanged).
 * oneDNN's kernels on plain NCHW memory are slow where the channel count is small: measured on these 2-core machines
 * at batch 16, VGGFace conv1_2 forward 845 ms NCHW vs 265 ms NHWC, the SE's first max-pool 278 ms vs 7.5 ms. The
 * layers after this one pick the new layout up from its output type. No parameters; the gradient is permuted back.
 */
public class ChannelLayout extends ParameterlessLayer {
    @JsonProperty
    private CNN2DFormat target;

    /** For Jackson. */
    protected ChannelLayout() {
    }

    /** A layer whose output is laid out as {@code target}. */
    public ChannelLayout(CNN2DFormat target) {
        this.target = Objects.requireNonNull(target, "target layout");
    }

    public CNN2DFormat getTarget() {
        return target;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalArgumentException("Channel layout layer '" + getLayerName()
                    + "' needs a convolutional input, got " + inputType + ".");
        }
        return InputType.convolutional(c.getHeight(), c.getWidth(), c.getChannels(), target);
    }

    @Override
    org.deeplearning4j.nn.api.Layer newRuntime(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelLayout c && super.equals(o) && target == c.target;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), target);
    }

    /** The runtime layer: a permuted copy forwards, the inverse permutation backwards. */
    static final class Runtime extends ParameterlessLayer.Runtime<ChannelLayout> {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private boolean toChannelsLast() {
            return layerConf().getTarget() == CNN2DFormat.NHWC;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            if (input.rank() != 4) {
                throw new IllegalArgumentException("Channel layout layer '" + layerConf().getLayerName()
                        + "' needs rank-4 activations, got shape " + java.util.Arrays.toString(input.shape()) + ".");
            }
            INDArray permuted = toChannelsLast() ? input.permute(0, 2, 3, 1) : input.permute(0, 3, 1, 2);
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, permuted, 'c');
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            INDArray back = toChannelsLast() ? epsilon.permute(0, 3, 1, 2) : epsilon.permute(0, 2, 3, 1);
            return new Pair<>(new DefaultGradient(), workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, back, 'c'));
        }

    }
}
