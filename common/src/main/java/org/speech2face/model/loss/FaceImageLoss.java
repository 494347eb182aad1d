package org.speech2face.model.loss;

import org.speech2face.model.networks.ModelProfile;
import java.util.Map;
import java.util.Objects;

import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.speech2face.model.layers.RuntimeLayers;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.speech2face.metrics.MsSsimSettings;

/**
 * FD's image loss (eq. 4), an output layer whose labels are the real faces:
 * {@code alpha * (1 - MS-SSIM(x', x)) + (1 - alpha) * L1(x', x)} per image, alpha = 0.84.
 *
 * <p>Form of the L1 term: the plain mean absolute error over channels and pixels. Zhao et al. weight the per-pixel
 * L1 by the coarsest-scale Gaussian ("G" in eq. 4); with a sigmoid output and equal pixel weights the plain mean is
 * the simpler reading and keeps the loss comparable across face sizes. Activations of this layer are its input,
 * the generated face.
 */
public class FaceImageLoss extends SameDiffOutputLayer {
    public static final double PAPER_ALPHA = 0.84;

    @JsonProperty
    private double alpha;
    @JsonProperty
    private int scales;
    @JsonProperty
    private long channels;
    @JsonProperty
    private long height;
    @JsonProperty
    private long width;

    /** For Jackson. */
    protected FaceImageLoss() {
    }

    /**
     * @param alpha  weight of the MS-SSIM term, in [0, 1]
     * @param scales MS-SSIM scales (5 for 224 px faces; see {@link ModelProfile#msSsimScales()})
     */
    public FaceImageLoss(double alpha, int scales) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("Image loss alpha must be in [0, 1], got " + alpha + ".");
        }
        MsSsimSettings.paper(scales); // validates the scale count
        this.alpha = alpha;
        this.scales = scales;
    }

    public double getAlpha() {
        return alpha;
    }

    public int getScales() {
        return scales;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, SDVariable labels, Map<String, SDVariable> params) {
        SDVariable ms = MsSsimGraph.msSsim(sd, input, labels, channels, height, width, MsSsimSettings.paper(scales));
        SDVariable l1 = sd.math().abs(input.sub(labels)).mean(1, 2, 3);
        SDVariable perImage = ms.rsub(1.0).mul(alpha).add(l1.mul(1 - alpha));
        return perImage.sum(); // DL4J divides output-layer scores (and gradients) by the minibatch size
    }

    /**
     * Runs {@link FaceImageLossLayer} rather than this definition through SameDiff: same values (the tests compare
     * them), without SameDiff's per-op overhead and kept intermediates. Saved graphs name this class, so they get
     * it too.
     */
    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return RuntimeLayers.wire(new FaceImageLossLayer(conf, dataType), conf, listeners, index, paramsView,
                initializeParams, initializer());
    }

    @Override
    public String activationsVertexName() {
        return "input";
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalArgumentException("The image loss needs an image input, got " + inputType + ".");
        }
        int min = MsSsimSettings.paper(scales).minimumSide();
        if (Math.min(c.getHeight(), c.getWidth()) < min) {
            throw new IllegalArgumentException("A " + c.getHeight() + "x" + c.getWidth() + " face is too small for "
                    + scales + "-scale MS-SSIM (needs at least " + min + " px).");
        }
        channels = c.getChannels();
        height = c.getHeight();
        width = c.getWidth();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        // no parameters
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // no parameters
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FaceImageLoss f) || !super.equals(o)) {
            return false;
        }
        return alpha == f.alpha && scales == f.scales && channels == f.channels && height == f.height && width == f.width;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), alpha, scales, channels, height, width);
    }
}
