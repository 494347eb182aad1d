package org.speech2face.model.networks;

import org.speech2face.model.layers.ExactSameDiffLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class CbamTest {

    private static ComputationGraphConfiguration graph(DataType type, int channels, int reduction, int h, int w) {
        return new NeuralNetConfiguration.Builder().seed(42).dataType(type).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).convolutionMode(ConvolutionMode.Same)
                .graphBuilder().addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(channels).activation(Activation.TANH).build(), "in")
                .addLayer("cbam", new Cbam.Builder().reduction(reduction).build(), "conv")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "cbam")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build(), "gap")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(h, w, 2))
                .build();
    }

    @Test
    void forwardMatchesAPlainJavaReference() {
        int c = 6;
        int h = 5;
        int w = 4;
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in")
                .addLayer("cbam", new Cbam.Builder().reduction(2).spatialKernel(3).build(), "in")
                .setOutputs("cbam").setInputTypes(InputType.convolutional(h, w, c)).build());
        net.init();
        Nd4j.getRandom().setSeed(3);
        // non-zero biases so that every parameter matters
        net.getLayer("cbam").paramTable().values().forEach(p -> p.assign(Nd4j.randn(DataType.DOUBLE, p.shape()).muli(0.5)));
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, c, h, w);
        INDArray actual = net.outputSingle(x);

        Map<String, INDArray> p = net.getLayer("cbam").paramTable();
        double[][][][] expected = reference(x, p, c, 3, 3, h, w);
        for (int n = 0; n < 2; n++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        assertThat(actual.getDouble(n, ch, i, j)).isCloseTo(expected[n][ch][i][j],
                                org.assertj.core.data.Offset.offset(1e-10));
                    }
                }
            }
        }
    }

    /** CBAM written out loop by loop, independently of SameDiff. */
    private static double[][][][] reference(INDArray x, Map<String, INDArray> p, int c, int hidden, int k, int h, int w) {
        INDArray w1 = p.get(Cbam.MLP_W1);
        INDArray b1 = p.get(Cbam.MLP_B1);
        INDArray w2 = p.get(Cbam.MLP_W2);
        INDArray b2 = p.get(Cbam.MLP_B2);
        INDArray ws = p.get(Cbam.SPATIAL_W);
        double bs = p.get(Cbam.SPATIAL_B).getDouble(0);
        int batch = (int) x.size(0);
        double[][][][] out = new double[batch][c][h][w];
        for (int n = 0; n < batch; n++) {
            double[] avg = new double[c];
            double[] max = new double[c];
            for (int ch = 0; ch < c; ch++) {
                max[ch] = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double v = x.getDouble(n, ch, i, j);
                        avg[ch] += v / (h * w);
                        max[ch] = Math.max(max[ch], v);
                    }
                }
            }
            double[] logit = new double[c];
            for (double[] v : new double[][] {avg, max}) {
                double[] hid = new double[hidden];
                for (int u = 0; u < hidden; u++) {
                    double s = b1.getDouble(0, u);
                    for (int ch = 0; ch < c; ch++) {
                        s += v[ch] * w1.getDouble(ch, u);
                    }
                    hid[u] = Math.max(0, s);
                }
                for (int ch = 0; ch < c; ch++) {
                    double s = b2.getDouble(0, ch);
                    for (int u = 0; u < hidden; u++) {
                        s += hid[u] * w2.getDouble(u, ch);
                    }
                    logit[ch] += s;
                }
            }
            double[][][] refined = new double[c][h][w];
            double[][] cmean = new double[h][w];
            double[][] cmax = new double[h][w];
            for (double[] row : cmax) {
                java.util.Arrays.fill(row, Double.NEGATIVE_INFINITY);
            }
            for (int ch = 0; ch < c; ch++) {
                double s = 1 / (1 + Math.exp(-logit[ch]));
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        refined[ch][i][j] = x.getDouble(n, ch, i, j) * s;
                        cmean[i][j] += refined[ch][i][j] / c;
                        cmax[i][j] = Math.max(cmax[i][j], refined[ch][i][j]);
                    }
                }
            }
            int pad = k / 2;
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double s = bs;
                    for (int a = 0; a < k; a++) {
                        for (int b = 0; b < k; b++) {
                            int ii = i + a - pad;
                            int jj = j + b - pad;
                            if (ii >= 0 && ii < h && jj >= 0 && jj < w) {
                                s += cmean[ii][jj] * ws.getDouble(a, b, 0, 0) + cmax[ii][jj] * ws.getDouble(a, b, 1, 0);
                            }
                        }
                    }
                    double gate = 1 / (1 + Math.exp(-s));
                    for (int ch = 0; ch < c; ch++) {
                        out[n][ch][i][j] = refined[ch][i][j] * gate;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void gradientsMatchFiniteDifferencesInDoublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph net = new ComputationGraph(graph(DataType.DOUBLE, 4, 2, 5, 5));
            net.init();
            Nd4j.getRandom().setSeed(11);
            INDArray in = Nd4j.rand(DataType.DOUBLE, 2, 2, 5, 5);
            INDArray labels = Nd4j.rand(DataType.DOUBLE, 2, 3);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                    .inputs(new INDArray[] {in}).labels(new INDArray[] {labels})
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
            assertThat(ok).as("CBAM gradient check").isTrue();
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    void plainRuntimeMatchesTheSameDiffDefinitionForwardAndBackward() {
        int c = 8;
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in")
                .addLayer("cbam", new Cbam.Builder().reduction(4).spatialKernel(5).build(), "in")
                .setOutputs("cbam").setInputTypes(InputType.convolutional(6, 7, c)).build());
        net.init();
        net.initGradientsView();
        Nd4j.getRandom().setSeed(11);
        net.getLayer("cbam").paramTable().values().forEach(p -> p.assign(Nd4j.randn(DataType.DOUBLE, p.shape()).muli(0.5)));
        org.deeplearning4j.nn.api.Layer plain = net.getLayer("cbam");
        assertThat(plain).isInstanceOf(CbamLayer.class);
        org.deeplearning4j.nn.conf.NeuralNetConfiguration layerConf = plain.conf();
        ExactSameDiffLayer reference = ExactSameDiffLayer.instantiate((Cbam) layerConf.getLayer(), layerConf, 0,
                plain.params().dup(), false, DataType.DOUBLE);
        reference.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, plain.numParams()));

        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, c, 6, 7);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, 3, c, 6, 7);
        plain.setInput(x, mgr);
        reference.setInput(x, mgr);
        assertThat(plain.activate(true, mgr).sub(reference.activate(true, mgr)).amaxNumber().doubleValue()).isLessThan(1e-12);
        var mine = plain.backpropGradient(eps, mgr);
        var theirs = reference.backpropGradient(eps, mgr);
        assertThat(mine.getSecond().sub(theirs.getSecond()).amaxNumber().doubleValue()).as("input gradient").isLessThan(1e-10);
        for (String k : theirs.getFirst().gradientForVariable().keySet()) {
            INDArray expected = theirs.getFirst().getGradientFor(k);
            assertThat(mine.getFirst().getGradientFor(k).reshape(expected.shape()).sub(expected).amaxNumber().doubleValue())
                    .as(k).isLessThan(1e-10);
        }
    }

    @Test
    void graphConfigurationWithCbamSurvivesAJsonRoundTrip() {
        ComputationGraphConfiguration conf = graph(DataType.FLOAT, 8, 4, 6, 6);
        String json = conf.toJson();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertThat(json).contains(Cbam.class.getName());
        assertThat(back).isEqualTo(conf);
        assertThat(back.toJson()).isEqualTo(json);

        ComputationGraph a = new ComputationGraph(conf);
        a.init();
        ComputationGraph b = new ComputationGraph(back);
        b.init(a.params().dup(), true);
        INDArray in = Nd4j.rand(DataType.FLOAT, 3, 2, 6, 6);
        assertThat(b.outputSingle(in)).isEqualTo(a.outputSingle(in));
        Cbam cbam = (Cbam) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("cbam")).getLayerConf().getLayer();
        assertThat(cbam.getChannels()).isEqualTo(8);
        assertThat(cbam.getReduction()).isEqualTo(4);
        assertThat(cbam.getSpatialKernel()).isEqualTo(7);
    }

    @Test
    void parameterCountFollowsTheDefinition() {
        ComputationGraph net = new ComputationGraph(graph(DataType.FLOAT, 32, 16, 6, 6));
        net.init();
        long c = 32;
        long hidden = 2;
        long expected = c * hidden + hidden + hidden * c + c + 7 * 7 * 2 + 1;
        assertThat(net.getLayer("cbam").numParams()).isEqualTo(expected);
    }

    @Test
    void rejectsAnEvenSpatialKernel() {
        assertThatThrownBy(() -> new Cbam.Builder().spatialKernel(6).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6");
    }
}
