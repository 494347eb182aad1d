package org.speech2face.model.loss;

import java.util.List;

import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The runtime {@link TriItemLoss}: the loss and its gradient written out with whole-batch ND4J operations. The
 * score is the minibatch mean (as DL4J's output layers report it); the gradients are those of the sum over the
 * minibatch, which DL4J's updater divides by the minibatch size. Derivatives, per example, for Sf = s:
 * <pre>
 *   unit u = s / n, n = sqrt(|s|^2 + e^2):  d/ds = (g - u (u . g)) / n
 *   t2 = |relu(pF) - relu(pS)|_1, pS = s W1 + b1:  d/dpS = -sign(relu(pF) - relu(pS)) [pS > 0]
 *   t3 = 1 - vF.vS / (nF nS):  d/dvS = -(vF / (nF nS) - cos vS / nS^2), vS = relu(s) W8 + b8
 * </pre>
 * and the frozen parameters' gradients from both branches (they are real; their learning rate is zero).
 */
final class TriItemLossLayer extends BaseLayer<TriItemLoss> implements IOutputLayer {
    private static final double EPS = 1e-12;
    private INDArray labels;
    /**
     * The loss summed over the minibatch in the last backward pass, with the input and labels it came from (compared
     * by identity, never read): DL4J asks for the score right after the backward pass, which would otherwise run
     * the whole pass (four products through the frozen layers) again. NaN when there is none.
     */
    private double lastSum = Double.NaN;
    private INDArray lastInput;
    private INDArray lastLabels;
    /** How many times the whole pass ran, for tests. */
    private int passes;

    TriItemLossLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Everything both passes need, for s = Sf and f = Ff. */
    private final class Pass {
        final INDArray s;
        final INDArray f;
        final INDArray ns;
        final INDArray us;
        final INDArray diffU;
        final INDArray preS;
        final INDArray preF;
        final INDArray dDiff;
        final INDArray reluS;
        final INDArray reluF;
        final INDArray vS;
        final INDArray vF;
        final INDArray nVS;
        final INDArray nVF;
        final INDArray cos;

        Pass(INDArray s, INDArray f) {
            this.s = s;
            this.f = f.castTo(s.dataType());
            ns = norm(s);
            us = s.divColumnVector(ns);
            diffU = this.f.divColumnVector(norm(this.f)).subi(us);
            INDArray w1 = getParam(TriItemLoss.DFC1_W);
            INDArray b1 = getParam(TriItemLoss.DFC1_B).reshape(1, -1);
            preS = product(s, w1, false, false).addiRowVector(b1);
            preF = product(this.f, w1, false, false).addiRowVector(b1);
            dDiff = Transforms.relu(preF, true).subi(Transforms.relu(preS, true));
            INDArray w8 = getParam(TriItemLoss.VFC3_W);
            INDArray b8 = getParam(TriItemLoss.VFC3_B).reshape(1, -1);
            reluS = Transforms.relu(s, true);
            reluF = Transforms.relu(this.f, true);
            vS = product(reluS, w8, false, false).addiRowVector(b8);
            vF = product(reluF, w8, false, false).addiRowVector(b8);
            nVS = norm(vS);
            nVF = norm(vF);
            cos = vF.mul(vS).sum(true, 1).divi(nVF.mul(nVS));
        }

        /** The three unweighted terms, each [N, 1]. */
        INDArray[] terms() {
            return new INDArray[] {diffU.mul(diffU).sum(true, 1), Transforms.abs(dDiff, true).sum(true, 1),
                    cos.rsub(1.0)};
        }

        INDArray perExample() {
            INDArray[] t = terms();
            TriItemLoss c = layerConf();
            double[] l = c.lambdas();
            return t[0].muli(l[0]).addi(t[1].muli(l[1])).addi(t[2].muli(l[2]));
        }
    }

    /**
     * a b, with either transposed, as one matrix product on the arrays as they lie: {@code mmul} with a transposed
     * view of the 'f'-ordered weights went through a copy each time (3-4% of a paper SE step in a JFR profile).
     */
    private static INDArray product(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        INDArray out = Nd4j.create(a.dataType(), transposeA ? a.size(1) : a.size(0), transposeB ? b.size(0) : b.size(1));
        return Nd4j.gemm(a, b, out, transposeA, transposeB, 1.0, 0.0);
    }

    private static INDArray norm(INDArray v) {
        return Transforms.sqrt(v.mul(v).sum(true, 1).addi(EPS * EPS), false);
    }

    private Pass pass() {
        assertInputSet(false);
        if (labels == null) {
            throw new IllegalStateException("The tri-item loss needs Ff as labels; none were set.");
        }
        passes++;
        return new Pass(input, labels);
    }

    int passes() {
        return passes;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Pass p = pass();
        lastSum = p.perExample().sumNumber().doubleValue();
        lastInput = input;
        lastLabels = labels;
        double[] l = layerConf().lambdas();
        // term 1 through the unit vector
        INDArray gU = p.diffU.mul(-2 * l[0]);
        INDArray gS = gU.subi(p.us.mulColumnVector(p.us.mul(gU).sum(true, 1))).diviColumnVector(p.ns);
        // term 2 through DFc1
        INDArray sign = Transforms.sign(p.dDiff, true).muli(l[1]);
        INDArray gPreS = sign.neg().muli(p.preS.gt(0).castTo(p.s.dataType()));
        INDArray gPreF = sign.muli(p.preF.gt(0).castTo(p.s.dataType()));
        INDArray w1 = getParam(TriItemLoss.DFC1_W);
        gS.addi(product(gPreS, w1, false, true));
        // term 3 through VFc3
        INDArray a = p.nVF.mul(p.nVS).rdivi(1.0);
        INDArray gVS = p.vF.mulColumnVector(a).subi(p.vS.mulColumnVector(p.cos.div(p.nVS.mul(p.nVS)))).muli(-l[2]);
        INDArray gVF = p.vS.mulColumnVector(a).subi(p.vF.mulColumnVector(p.cos.div(p.nVF.mul(p.nVF)))).muli(-l[2]);
        INDArray w8 = getParam(TriItemLoss.VFC3_W);
        gS.addi(product(gVS, w8, false, true).muli(p.s.gt(0).castTo(p.s.dataType())));

        if (!heldStill()) {
            gradientViews.get(TriItemLoss.DFC1_W).assign(product(p.s, gPreS, true, false)
                    .addi(product(p.f, gPreF, true, false)));
            gradientViews.get(TriItemLoss.DFC1_B).assign(gPreS.sum(0).addi(gPreF.sum(0)));
            gradientViews.get(TriItemLoss.VFC3_W).assign(product(p.reluS, gVS, true, false)
                    .addi(product(p.reluF, gVF, true, false)));
            gradientViews.get(TriItemLoss.VFC3_B).assign(gVS.sum(0).addi(gVF.sum(0)));
        }
        Gradient g = new DefaultGradient();
        for (String k : List.of(TriItemLoss.DFC1_W, TriItemLoss.VFC3_W, TriItemLoss.DFC1_B, TriItemLoss.VFC3_B)) {
            g.gradientForVariable().put(k, gradientViews.get(k));
        }
        return new Pair<>(g, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, gS));
    }

    /**
     * True under the layer's own zero learning rate: the frozen layers' gradients would be multiplied by 0, so they
     * are left at zero instead of computed (four products of 4096 x 16 x 2622 and their 43 MB results at paper size,
     * every step). A gradient check swaps in another updater and gets them.
     */
    private boolean heldStill() {
        TriItemLoss c = layerConf();
        return zero(c.getIUpdater()) && zero(c.getBiasUpdater());
    }

    private static boolean zero(org.nd4j.linalg.learning.config.IUpdater u) {
        return u instanceof org.nd4j.linalg.learning.config.Sgd sgd && sgd.getLearningRate() == 0.0
                && sgd.getLearningRateSchedule() == null;
    }

    /** The output of an output layer: Sf itself. */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, input);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        boolean kept = !Double.isNaN(lastSum) && lastInput == input && lastLabels == labels && input != null;
        double sum = kept ? lastSum : pass().perExample().sumNumber().doubleValue();
        return (sum + fullNetRegTerm) / input.size(0);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        lastSum = Double.NaN;
        super.setInput(input, workspaceMgr);
    }

    @Override
    public void clear() {
        lastSum = Double.NaN;
        lastInput = null;
        lastLabels = null;
        super.clear();
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, pass().perExample().addi(fullNetRegTerm));
    }

    @Override
    public boolean needsLabels() {
        return true;
    }

    @Override
    public void setLabels(INDArray labels) {
        lastSum = Double.NaN;
        this.labels = labels;
    }

    @Override
    public INDArray getLabels() {
        return labels;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public double f1Score(DataSet data) {
        throw new UnsupportedOperationException("The tri-item loss is a regression loss; it has no F1 score.");
    }

    @Override
    public double f1Score(INDArray examples, INDArray labels) {
        throw new UnsupportedOperationException("The tri-item loss is a regression loss; it has no F1 score.");
    }

    @Override
    public int numLabels() {
        return (int) layerConf().getFeatures();
    }

    @Override
    public void fit(DataSetIterator iter) {
        throw new UnsupportedOperationException("Fit the graph that holds the tri-item loss, not the layer.");
    }

    @Override
    public int[] predict(INDArray examples) {
        throw new UnsupportedOperationException("The tri-item loss does not classify.");
    }

    @Override
    public List<String> predict(DataSet dataSet) {
        throw new UnsupportedOperationException("The tri-item loss does not classify.");
    }

    @Override
    public void fit(INDArray examples, INDArray labels) {
        throw new UnsupportedOperationException("Fit the graph that holds the tri-item loss, not the layer.");
    }

    @Override
    public void fit(DataSet data) {
        throw new UnsupportedOperationException("Fit the graph that holds the tri-item loss, not the layer.");
    }

    @Override
    public void fit(INDArray examples, int[] labels) {
        throw new UnsupportedOperationException("Fit the graph that holds the tri-item loss, not the layer.");
    }
}
