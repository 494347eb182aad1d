package org.speech2face.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.speech2face.testing.MsSsimVectors;

/** Custom losses: values against independent references, gradients against finite differences (double). */
class LossesTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /** in [N, nIn] -> dense -> loss layer. */
    private static ComputationGraph head(int nIn, int nOut, Activation act, Layer loss) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().seed(12345)
                .dataType(DataType.DOUBLE).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .graphBuilder().addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(act).build(), "in");
        b.addLayer("loss", loss, "dense");
        ComputationGraph g = new ComputationGraph(b.setOutputs("loss").setInputTypes(InputType.feedForward(nIn)).build());
        g.init();
        return g;
    }

    private static boolean check(ComputationGraph g, INDArray in, INDArray labels) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {in}).labels(new INDArray[] {labels})
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }

    @Test
    void cosineLossValueAndGradient() {
        ComputationGraph g = head(4, 5, Activation.TANH, new LossLayer.Builder().lossFunction(new CosineDistanceLoss())
                .activation(Activation.IDENTITY).build());
        Nd4j.getRandom().setSeed(1);
        INDArray in = Nd4j.randn(DataType.DOUBLE, 3, 4);
        INDArray labels = Nd4j.randn(DataType.DOUBLE, 3, 5);
        assertThat(check(g, in, labels)).isTrue();

        INDArray out = g.outputSingle(in);
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            INDArray a = out.getRow(i);
            INDArray b = labels.getRow(i);
            expected += (1 - a.mul(b).sumNumber().doubleValue() / (a.norm2Number().doubleValue() * b.norm2Number().doubleValue())) / 3;
        }
        assertThat(g.score(new MultiDataSet(in, labels))).isCloseTo(expected, within(1e-12));
    }

    @Test
    void imageLossGradientInDoublePrecision() {
        // dense -> [2, 3, 3] -> 8x upsampling -> 24x24 two-channel image -> 2-scale image loss: few parameters,
        // every pixel of the loss still back-propagated (DL4J's graph gradient check has no subset option)
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(12345)
                .dataType(DataType.DOUBLE).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .graphBuilder().addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(2).nOut(18).activation(Activation.SIGMOID).build(), "in")
                .addLayer("up", new Upsampling2D.Builder(8).build(), new FeedForwardToCnnPreProcessor(3, 3, 2), "dense")
                .addLayer("loss", new FaceImageLoss(0.84, 2), "up")
                .setOutputs("loss").setInputTypes(InputType.feedForward(2)).build());
        g.init();
        Nd4j.getRandom().setSeed(2);
        INDArray in = Nd4j.randn(DataType.DOUBLE, 2, 2);
        // labels near the output keep every MS-SSIM term well inside its smooth range
        INDArray out = g.outputSingle(in);
        INDArray labels = Transforms.min(Transforms.max(out.add(Nd4j.randn(DataType.DOUBLE, out.shape()).muli(0.05)), 0.0), 1.0);
        assertThat(check(g, in, labels)).isTrue();
    }

    @Test
    void triItemLossGradientInDoublePrecision() {
        TriItemLoss loss = new TriItemLoss(8, 5, 7, 1.0, 0.04, 1.2);
        // the gradient check applies the updater before comparing; the frozen layers' zero learning rate would
        // hide their (mathematically real) gradients, so this check lets them through unchanged
        loss.setIUpdater(new NoOp());
        loss.setBiasUpdater(new NoOp());
        ComputationGraph g = head(6, 8, Activation.TANH, loss);
        Nd4j.getRandom().setSeed(3);
        Map<String, INDArray> p = g.getLayer("loss").paramTable();
        p.get(TriItemLoss.DFC1_B).assign(Nd4j.randn(DataType.DOUBLE, 5).muli(0.3));
        p.get(TriItemLoss.VFC3_B).assign(Nd4j.randn(DataType.DOUBLE, 7).muli(0.3));
        INDArray in = Nd4j.randn(DataType.DOUBLE, 3, 6);
        INDArray ff = Nd4j.randn(DataType.DOUBLE, 3, 8);
        assertThat(check(g, in, ff)).isTrue();
    }

    /** Held still by its own zero learning rate, the loss skips its frozen layers' gradients; Sf's stays the same. */
    @Test
    void triItemLossHeldStillLeavesItsOwnGradientsAtZeroAndSfsUnchanged() {
        ComputationGraph held = head(6, 8, Activation.TANH, new TriItemLoss(8, 5, 7, 1.0, 0.04, 1.2));
        TriItemLoss open = new TriItemLoss(8, 5, 7, 1.0, 0.04, 1.2);
        open.setIUpdater(new NoOp());
        open.setBiasUpdater(new NoOp());
        ComputationGraph computed = head(6, 8, Activation.TANH, open);
        computed.params().assign(held.params());
        Nd4j.getRandom().setSeed(5);
        INDArray in = Nd4j.randn(DataType.DOUBLE, 3, 6);
        INDArray ff = Nd4j.randn(DataType.DOUBLE, 3, 8);
        for (ComputationGraph g : List.of(held, computed)) {
            g.setInputs(in);
            g.setLabels(ff);
            g.computeGradientAndScore();
        }
        assertThat(held.getLayer("loss").getGradientsViewArray().amaxNumber().doubleValue()).isZero();
        assertThat(computed.getLayer("loss").getGradientsViewArray().amaxNumber().doubleValue()).isPositive();
        assertThat(held.getLayer("dense").getGradientsViewArray())
                .isEqualTo(computed.getLayer("dense").getGradientsViewArray());
        assertThat(held.score()).isEqualTo(computed.score());
    }

    @Test
    void triItemLossValueMatchesTheFormulaWrittenOut() {
        ComputationGraph g = head(6, 8, Activation.TANH, new TriItemLoss(8, 5, 7, 1.0, 0.04, 1.2));
        Nd4j.getRandom().setSeed(4);
        INDArray in = Nd4j.randn(DataType.DOUBLE, 3, 6);
        INDArray ff = Nd4j.randn(DataType.DOUBLE, 3, 8);
        INDArray sf = g.outputSingle(in);
        Map<String, INDArray> p = g.getLayer("loss").paramTable();
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            INDArray f = ff.getRow(i, true);
            INDArray s = sf.getRow(i, true);
            double t1 = f.div(f.norm2Number()).sub(s.div(s.norm2Number())).norm2Number().doubleValue();
            INDArray dF = Transforms.relu(f.mmul(p.get(TriItemLoss.DFC1_W)).add(p.get(TriItemLoss.DFC1_B)));
            INDArray dS = Transforms.relu(s.mmul(p.get(TriItemLoss.DFC1_W)).add(p.get(TriItemLoss.DFC1_B)));
            double t2 = dF.sub(dS).norm1Number().doubleValue();
            INDArray vF = Transforms.relu(f).mmul(p.get(TriItemLoss.VFC3_W)).add(p.get(TriItemLoss.VFC3_B));
            INDArray vS = Transforms.relu(s).mmul(p.get(TriItemLoss.VFC3_W)).add(p.get(TriItemLoss.VFC3_B));
            double t3 = 1 - Transforms.cosineSim(vF, vS);
            expected += (t1 * t1 + 0.04 * t2 + 1.2 * t3) / 3;
        }
        assertThat(g.score(new MultiDataSet(in, ff))).isCloseTo(expected, within(1e-10));
    }

    /**
     * The score that follows a backward pass is that pass's loss, without running the pass again, while input and
     * labels are the ones it saw; a new input or new labels get their own.
     */
    @Test
    void triItemLossScoreAfterABackwardPassIsThatPassesOrANewOneForNewInputOrLabels() {
        ComputationGraph g = head(6, 8, Activation.TANH, new TriItemLoss(8, 5, 7, 1.0, 0.04, 1.2));
        g.initGradientsView();
        TriItemLossLayer layer = (TriItemLossLayer) g.getLayer("loss");
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        Nd4j.getRandom().setSeed(9);
        INDArray s1 = Nd4j.randn(DataType.DOUBLE, 3, 8);
        INDArray s2 = Nd4j.randn(DataType.DOUBLE, 3, 8);
        INDArray f1 = Nd4j.randn(DataType.DOUBLE, 3, 8);
        INDArray f2 = Nd4j.randn(DataType.DOUBLE, 3, 8);
        INDArray[][] cases = {{s1, f1}, {s2, f1}, {s2, f2}};
        double[] fresh = new double[3];
        for (int i = 0; i < 3; i++) {
            layer.setInput(cases[i][0], ws);
            layer.setLabels(cases[i][1]);
            fresh[i] = layer.computeScore(0, true, ws);
        }
        assertThat(fresh[0]).isNotCloseTo(fresh[1], within(1e-3));
        assertThat(fresh[1]).isNotCloseTo(fresh[2], within(1e-3));

        layer.setInput(s1, ws);
        layer.setLabels(f1);
        layer.backpropGradient(null, ws);
        int passes = layer.passes();
        assertThat(layer.computeScore(0, true, ws)).as("after the backward pass").isCloseTo(fresh[0], within(1e-12));
        assertThat(layer.passes()).as("the backward pass's loss, not a new pass").isEqualTo(passes);
        layer.setInput(s2, ws);
        assertThat(layer.computeScore(0, true, ws)).as("new input").isCloseTo(fresh[1], within(1e-12));
        layer.backpropGradient(null, ws);
        layer.setLabels(f2);
        assertThat(layer.computeScore(0, true, ws)).as("new labels").isCloseTo(fresh[2], within(1e-12));
    }

    @Test
    void imageLossMatchesTheNumpyMsSsimAndL1() {
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            for (MsSsimVectors.Case c : MsSsimVectors.load()) {
                ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(type)
                        .graphBuilder().addInputs("face")
                        .addLayer("loss", new FaceImageLoss(0.84, c.scales()), "face")
                        .setOutputs("loss").setInputTypes(InputType.convolutional(c.size(), c.size(), 3)).build());
                g.init();
                INDArray x = Nd4j.create(c.x(), new long[] {1, 3, c.size(), c.size()}).castTo(type);
                INDArray y = Nd4j.create(c.y(), new long[] {1, 3, c.size(), c.size()}).castTo(type);
                double expected = 0.84 * (1 - c.msSsim()) + 0.16 * c.l1();
                assertThat(g.score(new MultiDataSet(y, x))).as("%s %s vs %s", type, c.a(), c.b())
                        .isCloseTo(expected, within(1e-4));
            }
        }
    }
}
