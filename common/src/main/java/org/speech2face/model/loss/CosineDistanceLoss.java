package org.speech2face.model.loss;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The paper's cosine similarity loss L_CS(A, B) = 1 - A.B / (|A| |B|) per example, with A the network output and
 * B the label (FD's face-feature term: VGGFace fc7 of the generated face against Ff of the real one). The
 * gradient is analytic: dL/dA = -(B / (|A||B|) - (A.B) A / (|A|^3 |B|)). Norms are floored at 1e-12.
 */
public class CosineDistanceLoss implements ILossFunction {
    private static final double EPS = 1e-12;

    private INDArray[] parts(INDArray labels, INDArray preOutput, IActivation activationFn) {
        if (!labels.equalShapes(preOutput)) {
            throw new IllegalArgumentException("Cosine loss labels " + java.util.Arrays.toString(labels.shape())
                    + " do not match the output " + java.util.Arrays.toString(preOutput.shape()) + ".");
        }
        INDArray a = activationFn.getActivation(preOutput.dup(), true);
        INDArray b = labels.castTo(a.dataType());
        INDArray na = Transforms.max(a.norm2(true, 1), EPS, false);
        INDArray nb = Transforms.max(b.norm2(true, 1), EPS, false);
        INDArray dot = a.mul(b).sum(true, 1);
        return new INDArray[] {a, b, na, nb, dot};
    }

    /** Per-example 1 - cos, as an [N, 1] column. */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray[] p = parts(labels, preOutput, activationFn);
        INDArray score = p[4].div(p[2].mul(p[3])).rsubi(1.0);
        if (mask != null) {
            score.muli(mask.reshape(score.shape()).castTo(score.dataType()));
        }
        return score;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        INDArray scores = computeScoreArray(labels, preOutput, activationFn, mask);
        double sum = scores.sumNumber().doubleValue();
        return average ? sum / scores.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray[] p = parts(labels, preOutput, activationFn);
        INDArray a = p[0];
        INDArray b = p[1];
        INDArray na = p[2];
        INDArray nb = p[3];
        INDArray dot = p[4];
        INDArray term1 = b.divColumnVector(na.mul(nb));
        INDArray term2 = a.mulColumnVector(dot.div(na.mul(na).mul(na).mul(nb)));
        INDArray dLda = term2.subi(term1);
        INDArray grad = activationFn.backprop(preOutput.dup(), dLda).getFirst();
        if (mask != null) {
            grad.muliColumnVector(mask.reshape(mask.length(), 1).castTo(grad.dataType()));
        }
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "CosineDistanceLoss";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CosineDistanceLoss;
    }

    @Override
    public int hashCode() {
        return CosineDistanceLoss.class.hashCode();
    }

    @Override
    public String toString() {
        return name() + "()";
    }
}
