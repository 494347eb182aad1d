package org.speech2face.model;

import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitUtil;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * SE's tri-item loss (eq. 7) as an output layer; input Sf, labels Ff:
 * <pre>
 *   l1 * || Ff/|Ff| - Sf/|Sf| ||_2^2  +  l2 * || DFc1(Ff) - DFc1(Sf) ||_1  +  l3 * (1 - cos(VFc3(Ff), VFc3(Sf)))
 * </pre>
 * with DFc1(x) = relu(x W1 + b1), FD's first fc layer, and VFc3(x) = relu(x) W8 + b8, VGGFace's fc8 after fc7's
 * ReLU. Both norms are sums over their vector (as written in the paper), averaged over the minibatch.
 *
 * <p>The two frozen layers are this layer's own parameters ({@link #DFC1_W}, ... copied in from the trained FD
 * and from VGGFace), held still by a zero learning rate ({@code Sgd(0)}; DL4J's {@code NoOp} updater would apply
 * the raw gradient): their gradients are computed (a few percent of a step) but the update is zero. This keeps Ff out of the graph's inputs: it only arrives as the label.
 */
public class TriItemLoss extends SameDiffOutputLayer {
    public static final String DFC1_W = "dfc1W";
    public static final String DFC1_B = "dfc1b";
    public static final String VFC3_W = "vfc3W";
    public static final String VFC3_B = "vfc3b";
    public static final double[] PAPER_LAMBDAS = {1.0, 0.04, 1.2};
    private static final double EPS = 1e-12;

    @JsonProperty
    private long features;
    @JsonProperty
    private long hidden;
    @JsonProperty
    private long identities;
    @JsonProperty
    private double lambda1;
    @JsonProperty
    private double lambda2;
    @JsonProperty
    private double lambda3;

    /** For Jackson. */
    protected TriItemLoss() {
    }

    public TriItemLoss(ModelProfile profile, double lambda1, double lambda2, double lambda3) {
        this(profile.featureDim(), profile.decoderHidden(), profile.identities(), lambda1, lambda2, lambda3);
    }

    public TriItemLoss(long features, long hidden, long identities, double lambda1, double lambda2, double lambda3) {
        if (features < 1 || hidden < 1 || identities < 1) {
            throw new IllegalArgumentException("Tri-item loss sizes must be positive, got features " + features
                    + ", DFc1 width " + hidden + ", identities " + identities + ".");
        }
        if (lambda1 < 0 || lambda2 < 0 || lambda3 < 0) {
            throw new IllegalArgumentException("Tri-item loss weights must be non-negative, got " + lambda1 + ", "
                    + lambda2 + ", " + lambda3 + ".");
        }
        this.features = features;
        this.hidden = hidden;
        this.identities = identities;
        this.lambda1 = lambda1;
        this.lambda2 = lambda2;
        this.lambda3 = lambda3;
        // zero learning rate: DL4J's NoOp would apply the raw gradient (it means "learning rate 1")
        this.updater = new Sgd(0.0);
        this.biasUpdater = new Sgd(0.0);
    }

    public double[] lambdas() {
        return new double[] {lambda1, lambda2, lambda3};
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable sf, SDVariable ff, Map<String, SDVariable> p) {
        SDVariable[] t = terms(sd, sf, ff, p);
        return t[0].mul(lambda1).add(t[1].mul(lambda2)).add(t[2].mul(lambda3)).sum();
    }

    /** The three per-example terms, each [N], before weighting. */
    static SDVariable[] terms(SameDiff sd, SDVariable sf, SDVariable ff, Map<String, SDVariable> p) {
        SDVariable diff = unit(sd, ff).sub(unit(sd, sf));
        SDVariable t1 = diff.mul(diff).sum(1);
        SDVariable dS = sd.nn().relu(sf.mmul(p.get(DFC1_W)).add(p.get(DFC1_B)), 0);
        SDVariable dF = sd.nn().relu(ff.mmul(p.get(DFC1_W)).add(p.get(DFC1_B)), 0);
        SDVariable t2 = sd.math().abs(dF.sub(dS)).sum(1);
        SDVariable vS = sd.nn().relu(sf, 0).mmul(p.get(VFC3_W)).add(p.get(VFC3_B));
        SDVariable vF = sd.nn().relu(ff, 0).mmul(p.get(VFC3_W)).add(p.get(VFC3_B));
        SDVariable cos = vF.mul(vS).sum(1).div(norm(sd, vF).mul(norm(sd, vS)));
        return new SDVariable[] {t1, t2, cos.rsub(1.0)};
    }

    private static SDVariable norm(SameDiff sd, SDVariable v) {
        return sd.math().sqrt(v.mul(v).sum(1).add(EPS * EPS));
    }

    private static SDVariable unit(SameDiff sd, SDVariable v) {
        return v.div(sd.math().sqrt(v.mul(v).sum(true, 1).add(EPS * EPS)));
    }

    @Override
    public String activationsVertexName() {
        return "input";
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam(DFC1_W, features, hidden);
        params.addWeightParam(VFC3_W, features, identities);
        params.addBiasParam(DFC1_B, hidden);
        params.addBiasParam(VFC3_B, identities);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            WeightInitUtil.initWeights(features, hidden, params.get(DFC1_W).shape(), WeightInit.XAVIER, null, 'c', params.get(DFC1_W));
            WeightInitUtil.initWeights(features, identities, params.get(VFC3_W).shape(), WeightInit.XAVIER, null, 'c', params.get(VFC3_W));
            params.get(DFC1_B).assign(0);
            params.get(VFC3_B).assign(0);
        }
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (!(inputType instanceof InputType.InputTypeFeedForward f) || f.getSize() != features) {
            throw new IllegalArgumentException("The tri-item loss expects Sf of length " + features + ", got " + inputType + ".");
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TriItemLoss t) || !super.equals(o)) {
            return false;
        }
        return features == t.features && hidden == t.hidden && identities == t.identities && lambda1 == t.lambda1
                && lambda2 == t.lambda2 && lambda3 == t.lambda3;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), features, hidden, identities, lambda1, lambda2, lambda3);
    }
}
