package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link FastDeconvolution}: with DL4J's alignment it computes what DL4J's Deconvolution2D computes (outputs, every
 * gradient, parameters after SGD steps); with PyTorch's it computes what PyTorch's ConvTranspose2d computed on the
 * same weights and input (a float64 fixture made by bench/deconv/make_fixture.py).
 */
class FastDeconvolutionTest {

    private static ComputationGraph graph(Layer deconv, DataType type) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).updater(new Sgd(1e-2))
                .dataType(type).graphBuilder().addInputs("in")
                .addLayer("deconv", deconv, "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build(), "deconv")
                .setOutputs("out").setInputTypes(InputType.convolutional(7, 9, 4)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void dl4jAlignmentComputesWhatDeconvolution2DComputes() {
        for (boolean bias : new boolean[] {false, true}) {
            ComputationGraph fast = graph(new FastDeconvolution.Builder().alignment(FastDeconvolution.Alignment.DL4J)
                    .kernelSize(5, 5).stride(2, 2).nOut(6).hasBias(bias).activation(Activation.IDENTITY).build(),
                    DataType.FLOAT);
            ComputationGraph stock = graph(new Deconvolution2D.Builder().kernelSize(5, 5).stride(2, 2)
                    .convolutionMode(ConvolutionMode.Same).nOut(6).hasBias(bias).activation(Activation.IDENTITY).build(),
                    DataType.FLOAT);
            assertThat(fast.numParams()).isEqualTo(stock.numParams());
            stock.params().assign(fast.params());
            Nd4j.getRandom().setSeed(9);
            INDArray x = Nd4j.randn(DataType.FLOAT, 3, 4, 7, 9);
            INDArray y = Nd4j.randn(DataType.FLOAT, 3, 3);
            INDArray fastOut = fast.feedForward(x, false).get("deconv");
            assertThat(fastOut.shape()).containsExactly(3, 6, 14, 18);
            assertThat(maxDiff(fastOut, stock.feedForward(x, false).get("deconv"))).as("bias %s", bias).isLessThan(1e-4);
            assertSameGradients(fast, stock, x, y);
            MultiDataSet ds = new MultiDataSet(x, y);
            for (int i = 0; i < 3; i++) {
                fast.fit(ds);
                stock.fit(ds);
            }
            assertThat(maxDiff(fast.params(), stock.params())).as("after 3 SGD steps").isLessThan(1e-4);
        }
    }

    @Test
    void pytorchAlignmentComputesWhatConvTranspose2dComputes() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/pytorch-deconv/conv_transpose.json")) {
            cases = new ObjectMapper().readTree(in).get("cases");
        }
        assertThat(cases).hasSize(3);
        for (JsonNode c : cases) {
            int n = c.get("n").asInt();
            int cIn = c.get("in").asInt();
            int cOut = c.get("out").asInt();
            int h = c.get("h").asInt();
            int w = c.get("w").asInt();
            int k = c.get("kernel").asInt();
            int s = c.get("stride").asInt();
            boolean bias = c.get("bias").asBoolean();
            ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                    .graphBuilder().addInputs("in")
                    .addLayer("deconv", new FastDeconvolution.Builder().kernelSize(k, k).stride(s, s).nOut(cOut)
                            .hasBias(bias).activation(Activation.IDENTITY).build(), "in")
                    .setOutputs("deconv").setInputTypes(InputType.convolutional(h, w, cIn)).build());
            g.init();
            g.initGradientsView();
            assertThat(((FastDeconvolution) g.getLayer("deconv").conf().getLayer()).getAlignment())
                    .as("the builder's default").isEqualTo(FastDeconvolution.Alignment.PYTORCH);
            g.getLayer("deconv").setParam("W", array(c.get("weight"), cIn, cOut, k, k));
            if (bias) {
                g.getLayer("deconv").setParam("b", array(c.get("b"), 1, cOut));
            }
            INDArray x = array(c.get("x"), n, cIn, h, w);
            INDArray y = g.outputSingle(false, x);
            long[] yShape = new long[4];
            for (int i = 0; i < 4; i++) {
                yShape[i] = c.get("y_shape").get(i).asLong();
            }
            assertThat(y.shape()).as("output size in * stride, as PyTorch's").containsExactly(yShape);
            assertThat(maxDiff(y, array(c.get("y"), yShape))).as("output, case %s", c.get("kernel")).isLessThan(1e-9);

            var layer = g.getLayer("deconv");
            layer.setInput(x, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            layer.activate(true, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            var back = layer.backpropGradient(array(c.get("dy"), yShape),
                    org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            assertThat(maxDiff(back.getSecond(), array(c.get("dx"), n, cIn, h, w))).as("input gradient").isLessThan(1e-9);
            assertThat(maxDiff(back.getFirst().getGradientFor("W"), array(c.get("dweight"), cIn, cOut, k, k)))
                    .as("weight gradient").isLessThan(1e-9);
            if (bias) {
                assertThat(maxDiff(back.getFirst().getGradientFor("b"), array(c.get("db"), 1, cOut)))
                        .as("bias gradient").isLessThan(1e-9);
            }
        }
    }

    @Test
    void alignmentsDifferByOnePixelAtStrideTwoAndAgreeAtStrideOne() {
        assertThat(FastDeconvolution.Alignment.DL4J.offset(5, 2)).isEqualTo(1);
        assertThat(FastDeconvolution.Alignment.PYTORCH.offset(5, 2)).isEqualTo(2);
        assertThat(FastDeconvolution.Alignment.DL4J.offset(5, 1)).isEqualTo(FastDeconvolution.Alignment.PYTORCH.offset(5, 1));
    }

    @Test
    void configurationRoundTripsAndOldJsonMeansDl4jAlignment() {
        ComputationGraph g = graph(new FastDeconvolution.Builder().kernelSize(5, 5).stride(2, 2).nOut(6).build(),
                DataType.FLOAT);
        String json = g.getConfiguration().toJson();
        assertThat(json).contains("\"alignment\" : \"PYTORCH\"");
        assertThat(ComputationGraphConfiguration.fromJson(json)).isEqualTo(g.getConfiguration());
        ComputationGraphConfiguration withoutField = ComputationGraphConfiguration.fromJson(
                json.replace("\"alignment\" : \"PYTORCH\",", "").replace(",\n      \"alignment\" : \"PYTORCH\"", ""));
        assertThat(withoutField.toJson()).doesNotContain("PYTORCH");
        FastDeconvolution layer = (FastDeconvolution) withoutField.getVertices().values().stream()
                .filter(v -> v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                        && lv.getLayerConf().getLayer() instanceof FastDeconvolution)
                .map(v -> ((org.deeplearning4j.nn.conf.graph.LayerVertex) v).getLayerConf().getLayer())
                .findFirst().orElseThrow();
        assertThat(layer.getAlignment()).isEqualTo(FastDeconvolution.Alignment.DL4J);
    }

    @Test
    void refusesGeometriesItCannotAlign() {
        assertThatThrownBy(() -> new FastDeconvolution.Builder().kernelSize(4, 4).stride(2, 2).nOut(2).build())
                .hasMessageContaining("odd kernel").hasMessageContaining("[4, 4]");
        assertThatThrownBy(() -> new FastDeconvolution.Builder().kernelSize(3, 3).stride(3, 3).nOut(2).build())
                .hasMessageContaining("stride of at most");
    }

    static void assertSameGradients(ComputationGraph fast, ComputationGraph stock, INDArray x, INDArray y) {
        fast.setInputs(x);
        fast.setLabels(y);
        fast.computeGradientAndScore();
        stock.setInputs(x);
        stock.setLabels(y);
        stock.computeGradientAndScore();
        assertThat(fast.score()).isCloseTo(stock.score(), org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, stock.score())));
        for (String k : stock.gradient().gradientForVariable().keySet()) {
            INDArray expected = stock.gradient().getGradientFor(k);
            assertThat(maxDiff(fast.gradient().getGradientFor(k), expected)).as(k)
                    .isLessThan(1e-4 * Math.max(1, expected.amaxNumber().doubleValue()));
        }
    }

    private static INDArray array(JsonNode values, long... shape) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asDouble();
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    static double maxDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
