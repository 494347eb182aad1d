package org.speech2face.model.loss;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.speech2face.metrics.MsSsimSettings;

/**
 * The runtime {@link FaceImageLoss}: {@code alpha (1 - MS-SSIM) + (1 - alpha) mean|x' - x|} per image with
 * {@link PlainMsSsim}, instead of DL4J running the layer's SameDiff definition. As DL4J's SameDiff output layer
 * reports it, the score is the minibatch mean and the gradient that of the sum over the minibatch (the updater
 * divides by the minibatch size); the L1 term's gradient at x' = x is 0, as SameDiff's abs gives it.
 */
final class FaceImageLossLayer extends org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer {
    private INDArray labels;

    FaceImageLossLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private FaceImageLoss loss() {
        return (FaceImageLoss) layerConf();
    }

    private INDArray x() {
        assertInputSet(false);
        if (labels == null) {
            throw new IllegalStateException("The image loss needs the real faces as labels; none were set.");
        }
        return input;
    }

    /** Per-image losses, [N]; with the gradient of their sum when {@code gradient}. */
    private Pair<INDArray, INDArray> pass(boolean gradient) {
        INDArray x = x();
        INDArray y = labels.castTo(x.dataType());
        double alpha = loss().getAlpha();
        PlainMsSsim.Result ms = PlainMsSsim.compute(x, y, MsSsimSettings.paper(loss().getScales()), gradient ? -alpha : 0);
        INDArray diff = x.sub(y);
        long perImage = x.length() / x.size(0);
        INDArray l1 = Transforms.abs(diff, true).reshape(x.size(0), perImage).mean(1);
        INDArray losses = ms.perImage().rsub(1.0).muli(alpha).addi(l1.muli(1 - alpha));
        if (!gradient) {
            return new Pair<>(losses, null);
        }
        INDArray dx = Transforms.sign(diff, false).muli((1 - alpha) / perImage).addi(ms.gradient());
        return new Pair<>(losses, dx);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, input);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray dx = pass(true).getSecond();
        return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, dx));
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        return (pass(false).getFirst().sumNumber().doubleValue() + fullNetRegTerm) / x().size(0);
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        INDArray perImage = pass(false).getFirst().addi(fullNetRegTerm);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, perImage.reshape(perImage.length(), 1));
    }

    @Override
    public boolean needsLabels() {
        return true;
    }

    @Override
    public void setLabels(INDArray labels) {
        this.labels = labels;
    }

    @Override
    public INDArray getLabels() {
        return labels;
    }
}
