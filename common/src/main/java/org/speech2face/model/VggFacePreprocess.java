package org.speech2face.model;

import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * VGGFace's own input convention, inside the graph: RGB in [0, 1] (what PNG decoding and the face decoder's
 * sigmoid give) becomes BGR in 0-255 minus the VGGFace means (B 93.5940, G 104.7624, R 129.1863; not the ImageNet
 * means). Being part of the graph, the same conversion applies to real faces and, with its gradient, to generated
 * ones in the decoder's training graph. No parameters.
 */
public class VggFacePreprocess extends SameDiffLambdaLayer {
    /** Channel means in BGR order, from Parkhi et al.'s release. */
    public static final double[] MEAN_BGR = {93.5940, 104.7624, 129.1863};

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable rgb) {
        INDArray mean = Nd4j.create(MEAN_BGR, new long[] {1, 3, 1, 1}, DataType.DOUBLE).castTo(rgb.dataType());
        return sd.reverse(rgb, 1).mul(255.0).sub(sd.constant(mean));
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c) || c.getChannels() != 3) {
            throw new IllegalArgumentException("VGGFace preprocessing needs a 3-channel image input, got " + inputType + ".");
        }
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
        return o instanceof VggFacePreprocess && super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
