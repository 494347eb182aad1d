package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
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
 * The decoder training graph's layer kinds, as the project's fast layers, compute what stock DL4J computes: a
 * stride-2 transposed convolution (DL4J alignment), batch norm with an in-place ReLU, a 'Same' 5x5 convolution (whose backward pass now takes explicit
 * padding and skips the forward recomputation), and frozen ReLU convolutions and fully connected layers (input gradient
 * only, from the kept output) as VGGFace sits in the loss. Outputs, every gradient, and parameters after SGD steps.
 */
class DecoderLayersTest {

    /**
     * deconv -> BN -> ReLU -> Same conv -> BN -> ReLU -> frozen ReLU conv x2 -> frozen dense (ReLU, identity) -> out;
     * fast or stock layers.
     */
    static ComputationGraph graph(boolean fast) {
        GraphBuilder b = new NeuralNetConfiguration.Builder().seed(4).updater(new Sgd(1e-2)).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in");
        b.addLayer("deconv", fast
                ? new FastDeconvolution.Builder().alignment(FastDeconvolution.Alignment.DL4J).kernelSize(5, 5)
                        .stride(2, 2).nOut(6).hasBias(false).activation(Activation.IDENTITY).build()
                : new Deconvolution2D.Builder().kernelSize(5, 5).stride(2, 2).convolutionMode(ConvolutionMode.Same)
                        .nOut(6).hasBias(false).activation(Activation.IDENTITY).build(), "in");
        b.addLayer("bn1", fast ? new FastBatchNormalization() : new BatchNormalization.Builder().build(), "deconv");
        b.addLayer("relu1", fast ? new InPlaceRelu() : new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1");
        b.addLayer("same", (fast ? new FastConvolution.Builder(5, 5) : new ConvolutionLayer.Builder(5, 5)).stride(1, 1)
                .convolutionMode(ConvolutionMode.Same).nOut(5).hasBias(false).activation(Activation.IDENTITY).build(), "relu1");
        b.addLayer("bn2", fast ? new FastBatchNormalization() : new BatchNormalization.Builder().build(), "same");
        b.addLayer("relu2", fast ? new InPlaceRelu() : new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn2");
        b.addLayer("frozen1", new FrozenLayerWithBackprop((fast ? new FastConvolution.Builder(3, 3).frozenWeights(true)
                : new ConvolutionLayer.Builder(3, 3)).padding(1, 1).nOut(4).activation(Activation.RELU).build()), "relu2");
        b.addLayer("frozen2", new FrozenLayerWithBackprop((fast ? new FastConvolution.Builder(3, 3).frozenWeights(true)
                : new ConvolutionLayer.Builder(3, 3)).padding(1, 1).nOut(4).activation(Activation.RELU).build()), "frozen1");
        DenseLayer fc1 = new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build();
        DenseLayer fc2 = new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build();
        b.addLayer("frozenFc1", new FrozenLayerWithBackprop(fast ? FrozenDense.of(fc1) : fc1), "frozen2");
        b.addLayer("frozenFc2", new FrozenLayerWithBackprop(fast ? FrozenDense.of(fc2) : fc2), "frozenFc1");
        b.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                .activation(Activation.IDENTITY).build(), "frozenFc2");
        ComputationGraphConfiguration conf = b.setOutputs("out").setInputTypes(InputType.convolutional(6, 7, 3)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static INDArray[] example() {
        Nd4j.getRandom().setSeed(12);
        return new INDArray[] {Nd4j.randn(DataType.FLOAT, 4, 3, 6, 7), Nd4j.randn(DataType.FLOAT, 4, 3)};
    }

    @Test
    void fastDecoderLayersComputeWhatStockLayersCompute() {
        ComputationGraph fast = graph(true);
        ComputationGraph stock = graph(false);
        assertThat(fast.numParams()).isEqualTo(stock.numParams());
        stock.params().assign(fast.params());
        INDArray[] xy = example();
        assertThat(FastDeconvolutionTest.maxDiff(fast.outputSingle(xy[0]), stock.outputSingle(xy[0]))).isLessThan(1e-4);
        FastDeconvolutionTest.assertSameGradients(fast, stock, xy[0], xy[1]);
        assertThat(runtime(fast, "same").lastBackward()).as("explicit padding, no forward recomputation")
                .isEqualTo(FastConvolution.Backward.HELPER);
        assertThat(runtime(fast, "frozen1").lastBackward()).as("frozen: input gradient from the kept ReLU output")
                .isEqualTo(FastConvolution.Backward.INPUT_GRADIENT_ONLY);
        assertThat(runtime(fast, "frozen2").lastBackward()).isEqualTo(FastConvolution.Backward.INPUT_GRADIENT_ONLY);
        INDArray frozenBefore = fast.getLayer("frozen1").getParam("W").dup();
        INDArray frozenFcBefore = fast.getLayer("frozenFc1").params().dup();
        MultiDataSet ds = new MultiDataSet(xy[0], xy[1]);
        for (int i = 0; i < 3; i++) {
            fast.fit(ds);
            stock.fit(ds);
        }
        assertThat(FastDeconvolutionTest.maxDiff(fast.params(), stock.params())).as("after 3 SGD steps").isLessThan(1e-4);
        assertThat(fast.getLayer("frozen1").getParam("W")).as("frozen weights stay").isEqualTo(frozenBefore);
        assertThat(fast.getLayer("frozenFc1").params()).as("frozen dense weights stay").isEqualTo(frozenFcBefore);
        assertThat(fast.getLayer("frozenFc1").getGradientsViewArray()).as("no gradient view to zero").isNull();
    }

    static FastConvolution.Runtime runtime(ComputationGraph g, String name) {
        org.deeplearning4j.nn.api.Layer l = g.getLayer(name);
        return (FastConvolution.Runtime) (l instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop f
                ? f.getInsideLayer() : l);
    }

    @Test
    void frozenWeightsFlagIsWrittenOnlyWhenSetSoOldConfigurationsReadAsBefore() {
        String json = graph(true).getConfiguration().toJson();
        assertThat(json).contains("\"frozenWeights\" : true");
        String plain = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("c", new FastConvolution.Builder(3, 3).nOut(2).build(), "in").setOutputs("c")
                .setInputTypes(InputType.convolutional(5, 5, 1)).build().toJson();
        assertThat(plain).doesNotContain("frozenWeights");
    }
}
