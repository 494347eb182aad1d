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

/**
 * The first layer of the voice gender classifier: from the compressed real and imaginary channels to one channel of
 * their magnitude, {@code sqrt(re^2 + im^2)}. Gender is in the magnitude (pitch harmonics, formants); the phase of
 * each bin is noise to it, and a small network trained on a few thousand voices does not learn to discard it
 * (measured on synthetic voices: 5-7 of 12 held-out voices right from real/imag, 11 of 12 from the magnitude, after
 * the same 8 epochs). No parameters.
 */
public class SpectrogramMagnitude extends SameDiffLambdaLayer {
    /** Keeps the square root's gradient finite in silent bins. */
    private static final double EPS = 1e-8;

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable reIm) {
        return sd.math.sqrt(reIm.mul(reIm).sum(true, 1).add(EPS));
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c) || c.getChannels() != SpectrogramInput.CHANNELS) {
            throw new IllegalArgumentException("The spectrogram magnitude needs a 2-channel (real, imaginary) input, got "
                    + inputType + ".");
        }
        return InputType.convolutional(c.getHeight(), c.getWidth(), 1);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return ExactSameDiffLayer.instantiate(this, conf, index, paramsView, initializeParams, dataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpectrogramMagnitude && super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
