package org.speech2face.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ReLU applied to its input in place, for an input that nothing else reads (the decoder's batch-norm outputs):
 * DL4J's ActivationLayer copies its input when training, so every decoder block kept three maps where two are
 * needed (batch norm's backward reads its input, not its output), a third of the decoder's activation memory. The
 * backward pass takes ReLU's derivative from the output ({@code relu(z) > 0} exactly when {@code z > 0}).
 */
public class InPlaceRelu extends ParameterlessLayer {

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    org.deeplearning4j.nn.api.Layer newRuntime(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InPlaceRelu && super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    /** The runtime layer: max(x, 0) over the input's own memory; the gradient masked by the output. */
    static final class Runtime extends ParameterlessLayer.Runtime<InPlaceRelu> {
        private INDArray output;

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            output = workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
            Nd4j.exec(DynamicCustomOp.builder("relu").addInputs(output).addOutputs(output)
                    .addFloatingPointArguments(0.0).build());
            return output;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            if (output == null || !java.util.Arrays.equals(output.shape(), epsilon.shape())) {
                throw new IllegalStateException("In-place ReLU '" + layerConf().getLayerName()
                        + "' has no forward output of the gradient's shape to mask it with.");
            }
            INDArray grad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                    epsilon.shape(), 'c');
            ReluFromOutput.mask(output, epsilon, grad);
            return new Pair<>(new DefaultGradient(), grad);
        }

        @Override
        public void clear() {
            super.clear();
            output = null;
        }

        @Override
        public Type type() {
            return input != null && input.rank() == 2 ? Type.FEED_FORWARD : Type.CONVOLUTIONAL;
        }
    }
}
