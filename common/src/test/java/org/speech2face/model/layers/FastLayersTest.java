package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The oneDNN-backed layers compute what DL4J's own layers compute, forward and backward. */
class FastLayersTest {

    private static ComputationGraph graph(Layer conv, Layer bn, Layer pool) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(1e-3))
                .graphBuilder().addInputs("in")
                .addLayer("conv", conv, "in")
                .addLayer("bn", bn, "conv")
                .addLayer("pool", pool, "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(4)
                        .activation(Activation.IDENTITY).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(23, 19, 2)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void matchDl4jLayersForwardAndBackward() {
        ComputationGraph fast = graph(
                new FastConvolution.Builder(5, 5).stride(2, 2).padding(1, 1).nOut(6).hasBias(false).activation(Activation.IDENTITY).build(),
                new FastBatchNormalization(),
                new FastSubsampling.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3).stride(2, 2).build());
        ComputationGraph stock = graph(
                new ConvolutionLayer.Builder(5, 5).stride(2, 2).padding(1, 1).nOut(6).hasBias(false).activation(Activation.IDENTITY).build(),
                new BatchNormalization.Builder().build(),
                new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3).stride(2, 2).build());
        stock.params().assign(fast.params());
        assertThat(((FastConvolution.Runtime) fast.getLayer("conv")).usesOneDnn()).isEqualTo(NativeBackend.hasOneDnn());

        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 2, 23, 19);
        MultiDataSet ds = new MultiDataSet(x, Nd4j.randn(DataType.FLOAT, 3, 4));
        assertThat(maxDiff(fast.outputSingle(x), stock.outputSingle(x))).isLessThan(1e-4);
        fast.setInputs(x); fast.setLabels(ds.getLabels(0)); fast.computeGradientAndScore();
        stock.setInputs(x); stock.setLabels(ds.getLabels(0)); stock.computeGradientAndScore();
        for (String k : fast.gradient().gradientForVariable().keySet()) {
            INDArray expected = stock.gradient().getGradientFor(k);
            assertThat(maxDiff(fast.gradient().getGradientFor(k), expected)).as(k)
                    .isLessThan(1e-5 * Math.max(1, expected.amaxNumber().doubleValue()));
        }
        for (int i = 0; i < 3; i++) {
            fast.fit(ds);
            stock.fit(ds);
        }
        assertThat(maxDiff(fast.params(), stock.params())).as("after 3 SGD steps").isLessThan(1e-4);
        assertThat(maxDiff(fast.outputSingle(x), stock.outputSingle(x))).isLessThan(1e-4);
    }

    @Test
    void reportsTheNativeBuild() {
        assertThat(NativeBackend.describe()).contains("ND4J CPU").contains(NativeBackend.hasOneDnn() ? "with oneDNN" : "without oneDNN");
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
