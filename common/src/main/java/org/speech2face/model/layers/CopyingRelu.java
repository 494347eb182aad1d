package org.speech2face.model.layers;

import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ReLU into a new array. DL4J's {@code ActivationLayer} applies its activation in place at inference time, which
 * would overwrite its input: where that input is itself a read-out (VGGFace's fc7, the face feature Ff, must stay
 * <em>before</em> its ReLU), this layer is used instead.
 */
public class CopyingRelu extends SameDiffLambdaLayer {

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x) {
        return sd.nn().relu(x, 0);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return ExactSameDiffLayer.instantiate(this, conf, index, paramsView, initializeParams, dataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CopyingRelu && super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
