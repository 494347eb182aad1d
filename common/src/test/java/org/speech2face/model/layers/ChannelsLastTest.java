package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
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

/**
 * The channels-last stacks (ChannelLayout, FastConvolution with and without input gradient, ChannelsLastBatchNorm,
 * FastSubsampling on NHWC) compute what stock DL4J layers compute on NCHW: outputs, every gradient, and the
 * parameters and batch-norm running statistics after a few SGD steps.
 */
class ChannelsLastTest {

    /** conv (reads the input) -> BN -> pool -> ReLU conv -> identity conv -> BN -> out, channels-last or stock NCHW. */
    private static ComputationGraph graph(boolean channelsLast) {
        GraphBuilder b = new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(1e-2)).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in");
        String in = "in";
        if (channelsLast) {
            b.addLayer("nhwc", new ChannelLayout(CNN2DFormat.NHWC), in);
            in = "nhwc";
            b.addLayer("c1", new FastConvolution.Builder(5, 5).inputGradient(false).stride(2, 2).padding(1, 1).nOut(6)
                    .hasBias(false).activation(Activation.IDENTITY).build(), in);
            b.addLayer("bn1", new FastBatchNormalization(), "c1");
            b.addLayer("pool", new FastSubsampling.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3)
                    .stride(2, 2).build(), "bn1");
            b.addLayer("c2", new FastConvolution.Builder(3, 3).padding(1, 1).nOut(8).activation(Activation.RELU).build(), "pool");
            b.addLayer("c3", new FastConvolution.Builder(3, 3).padding(1, 1).nOut(8).hasBias(false)
                    .activation(Activation.IDENTITY).build(), "c2");
            b.addLayer("bn2", new FastBatchNormalization(), "c3");
            b.addLayer("nchw", new ChannelLayout(CNN2DFormat.NCHW), "bn2");
        } else {
            b.addLayer("c1", new ConvolutionLayer.Builder(5, 5).stride(2, 2).padding(1, 1).nOut(6).hasBias(false)
                    .activation(Activation.IDENTITY).build(), in);
            b.addLayer("bn1", new BatchNormalization.Builder().build(), "c1");
            b.addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3)
                    .stride(2, 2).build(), "bn1");
            b.addLayer("c2", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(8).activation(Activation.RELU).build(), "pool");
            b.addLayer("c3", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(8).hasBias(false)
                    .activation(Activation.IDENTITY).build(), "c2");
            b.addLayer("bn2", new BatchNormalization.Builder().build(), "c3");
        }
        b.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(4)
                .activation(Activation.IDENTITY).build(), channelsLast ? "nchw" : "bn2");
        ComputationGraph g = new ComputationGraph(b.setOutputs("out").setInputTypes(InputType.convolutional(31, 23, 2)).build());
        g.init();
        return g;
    }

    @Test
    void channelsLastStackMatchesStockDl4jOnNchw() {
        ComputationGraph fast = graph(true);
        ComputationGraph stock = graph(false);
        assertThat(fast.numParams()).isEqualTo(stock.numParams());
        stock.params().assign(fast.params()); // same parameter order and layout: weights stay [oC, iC, kH, kW]

        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, 2, 31, 23);
        INDArray y = Nd4j.randn(DataType.FLOAT, 5, 4);
        fast.setInputs(x);
        fast.setLabels(y);
        fast.computeGradientAndScore();
        stock.setInputs(x);
        stock.setLabels(y);
        stock.computeGradientAndScore();
        if (OneDnn.engine() != null) { // the oneDNN build: both convolutions with an input gradient go through it
            for (String c : new String[] {"c2", "c3"}) {
                assertThat(((FastConvolution.Runtime) fast.getLayer(c)).lastBackward()).as(c)
                        .isEqualTo(FastConvolution.Backward.ONEDNN);
            }
        }
        assertThat(fast.score()).isCloseTo(stock.score(), org.assertj.core.data.Offset.offset(1e-4 * stock.score()));
        assertThat(fast.gradient().gradientForVariable().keySet())
                .containsExactlyInAnyOrderElementsOf(stock.gradient().gradientForVariable().keySet());
        for (String k : stock.gradient().gradientForVariable().keySet()) {
            INDArray expected = stock.gradient().getGradientFor(k);
            assertThat(maxDiff(fast.gradient().getGradientFor(k), expected)).as(k)
                    .isLessThan(1e-4 * Math.max(1, expected.amaxNumber().doubleValue()));
        }

        MultiDataSet ds = new MultiDataSet(x, y);
        for (int i = 0; i < 3; i++) {
            fast.fit(ds);
            stock.fit(ds);
        }
        // includes the batch-norm running mean and variance, which the helpers' batch statistics feed
        assertThat(maxDiff(fast.params(), stock.params())).as("after 3 SGD steps").isLessThan(1e-4);
        assertThat(maxDiff(fast.getLayer("bn1").getParam("mean"), stock.getLayer("bn1").getParam("mean")))
                .isLessThan(1e-5);
        assertThat(maxDiff(fast.outputSingle(x), stock.outputSingle(x))).as("inference").isLessThan(1e-4);
    }

    @Test
    void layoutLayerPermutesAndItsConfigurationRoundTripsThroughJson() {
        ComputationGraph g = graph(true);
        ComputationGraphConfiguration conf = g.getConfiguration();
        assertThat(ComputationGraphConfiguration.fromJson(conf.toJson())).isEqualTo(conf);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 31, 23);
        INDArray nhwc = g.feedForward(x, false).get("nhwc");
        assertThat(nhwc.shape()).containsExactly(2, 31, 23, 2);
        assertThat(nhwc.getDouble(1, 7, 5, 1)).isEqualTo(x.getDouble(1, 1, 7, 5));
        ComputationGraph copy = new ComputationGraph(ComputationGraphConfiguration.fromJson(conf.toJson()));
        copy.init(g.params().dup(), false);
        assertThat(copy.outputSingle(x)).isEqualTo(g.outputSingle(x));
    }

    @Test
    void aConvolutionWithoutInputGradientNeedsTheIdentityActivation() {
        assertThatThrownBy(() -> new FastConvolution.Builder(3, 3).inputGradient(false).nOut(4)
                .activation(Activation.RELU).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("identity activation").hasMessageContaining("relu");
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
