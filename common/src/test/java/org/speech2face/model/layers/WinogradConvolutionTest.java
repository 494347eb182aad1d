package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The Winograd inference pass against libnd4j's convolution in double precision (its generic im2col kernels, not
 * oneDNN, which has no double path): whole batches and chunks, both layouts, with and without the fused ReLU, a
 * view read at its offset, and weights changed in place after their transform. Then which layers take the path.
 */
class WinogradConvolutionTest {
    private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();

    @BeforeAll
    static void needsTheKernel() {
        assumeTrue(WinogradConvolution.available(), "oneDNN's Winograd kernel runs only on AVX-512 CPUs under the "
                + "oneDNN build of ND4J; elsewhere the layers keep libnd4j's path, which FastLayersTest covers");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NCHW", "NHWC", "NCHW relu", "NHWC relu"})
    void matchesADoublePrecisionConvolutionWholeAndInChunks(String variant) {
        CNN2DFormat format = CNN2DFormat.valueOf(variant.substring(0, 4));
        boolean relu = variant.endsWith("relu");
        Nd4j.getRandom().setSeed(5);
        int n = 5;
        INDArray input = Nd4j.randn(DataType.DOUBLE, shape(format, n, 32, 9, 7));
        INDArray weights = Nd4j.randn(DataType.DOUBLE, 48, 32, 3, 3);
        INDArray bias = Nd4j.randn(DataType.DOUBLE, 48);
        INDArray reference = reference(input, weights, bias, format, relu);

        long imageBytes = (32 + 48) * 9 * 7 * Float.BYTES;
        for (long chunkBytes : new long[] {Long.MAX_VALUE, 2 * imageBytes, 1}) { // 1 part, 2+2+1, 5 parts
            WinogradConvolution w = new WinogradConvolution(chunkBytes);
            INDArray out = w.forward(input.castTo(DataType.FLOAT), weights.castTo(DataType.FLOAT),
                    bias.castTo(DataType.FLOAT).reshape(1, 48), format, relu, NO_WS);
            assertThat(out).as("Winograd applies to 32 -> 48 channels").isNotNull();
            assertClose(out, reference, variant + ", chunks of at most " + chunkBytes + " bytes");
            assertThat(w.transforms()).as("one transform serves every chunk").isEqualTo(1);

            WinogradConvolution t = new WinogradConvolution(chunkBytes);
            INDArray trained = t.forward(input.castTo(DataType.FLOAT), weights.castTo(DataType.FLOAT),
                    bias.castTo(DataType.FLOAT).reshape(1, 48), format, relu, true, NO_WS);
            assertThat(trained).as("the training pass applies too").isNotNull();
            assertClose(trained, reference, variant + ", training pass, chunks of at most " + chunkBytes + " bytes");
            assertThat(t.transforms()).as("the training pass keeps no transformed weights").isZero();
        }
    }

    /** The tiny profile's VGGFace (16-64 channels on 32x32 down to 4x4 maps) and smaller maps still. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 8, 16, 32})
    void smallMapsMatchToo(int size) {
        Nd4j.getRandom().setSeed(size);
        for (int channels : new int[] {16, 64}) {
            INDArray input = Nd4j.randn(DataType.DOUBLE, 3, size, size, channels);
            INDArray weights = Nd4j.randn(DataType.DOUBLE, channels, channels, 3, 3);
            INDArray bias = Nd4j.randn(DataType.DOUBLE, channels);
            INDArray out = new WinogradConvolution().forward(input.castTo(DataType.FLOAT),
                    weights.castTo(DataType.FLOAT), bias.castTo(DataType.FLOAT), CNN2DFormat.NHWC, true, NO_WS);
            assertThat(out).as("Winograd takes %d channels on %dx%d", channels, size, size).isNotNull();
            assertClose(out, reference(input, weights, bias, CNN2DFormat.NHWC, true),
                    channels + " channels on " + size + "x" + size);
        }
    }

    /** Batches of every size through one layer: a plan per size, the transformed weights shared where they can be. */
    @Test
    void batchesOfEverySizeThroughOneLayer() {
        Nd4j.getRandom().setSeed(9);
        INDArray weights = Nd4j.randn(DataType.DOUBLE, 64, 64, 3, 3);
        INDArray bias = Nd4j.randn(DataType.DOUBLE, 64);
        WinogradConvolution w = new WinogradConvolution();
        for (int n : new int[] {16, 1, 7, 16, 2, 3, 17, 1}) {
            INDArray input = Nd4j.randn(DataType.DOUBLE, n, 4, 4, 64);
            INDArray out = w.forward(input.castTo(DataType.FLOAT), weights.castTo(DataType.FLOAT),
                    bias.castTo(DataType.FLOAT), CNN2DFormat.NHWC, true, NO_WS);
            assertClose(out, reference(input, weights, bias, CNN2DFormat.NHWC, true), "a batch of " + n);
        }
    }

    /**
     * Two layers whose primitives one thread made, then run by two threads at once: two Spark tasks of one executor
     * share its pooled task threads, and an earlier task's thread may have made both graphs' primitives. With
     * oneDNN's library-managed scratchpad such primitives share one buffer (a crash in the executor tests).
     */
    @Test
    void layersMadeOnOneThreadRunOnTwoAtOnce() throws Exception {
        Nd4j.getRandom().setSeed(20);
        INDArray[][] cases = new INDArray[2][];
        WinogradConvolution[] layers = new WinogradConvolution[2];
        for (int t = 0; t < 2; t++) {
            int c = t == 0 ? 16 : 64;
            int size = t == 0 ? 32 : 8;
            INDArray weights = Nd4j.randn(DataType.DOUBLE, c, c, 3, 3);
            INDArray bias = Nd4j.randn(DataType.DOUBLE, c);
            INDArray input = Nd4j.randn(DataType.DOUBLE, 3, size, size, c);
            cases[t] = new INDArray[] {input.castTo(DataType.FLOAT), weights.castTo(DataType.FLOAT),
                    bias.castTo(DataType.FLOAT), reference(input, weights, bias, CNN2DFormat.NHWC, true)};
            layers[t] = new WinogradConvolution();
            layers[t].forward(cases[t][0], cases[t][1], cases[t][2], CNN2DFormat.NHWC, true, NO_WS); // made here
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.List<java.util.concurrent.Future<Double>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                INDArray[] k = cases[t];
                WinogradConvolution layer = layers[t];
                runs.add(pool.submit(() -> {
                    double worst = 0;
                    for (int i = 0; i < 300; i++) {
                        INDArray out = layer.forward(k[0], k[1], k[2], CNN2DFormat.NHWC, true, NO_WS);
                        worst = Math.max(worst, out.castTo(DataType.DOUBLE).sub(k[3]).amaxNumber().doubleValue()
                                / k[3].amaxNumber().doubleValue());
                    }
                    return worst;
                }));
            }
            for (var run : runs) {
                assertThat(run.get()).as("largest difference, relative").isLessThan(1e-5);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readsAViewAtItsOffset() {
        Nd4j.getRandom().setSeed(6);
        INDArray batch = Nd4j.randn(DataType.FLOAT, 7, 6, 5, 16);
        INDArray view = batch.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all());
        assertThat(view.offset()).isPositive();
        INDArray weights = Nd4j.randn(DataType.FLOAT, 16, 16, 3, 3);
        INDArray bias = Nd4j.randn(DataType.FLOAT, 16);
        INDArray out = new WinogradConvolution().forward(view, weights, bias, CNN2DFormat.NHWC, false, NO_WS);
        assertClose(out, reference(view.dup().castTo(DataType.DOUBLE), weights.castTo(DataType.DOUBLE),
                bias.castTo(DataType.DOUBLE), CNN2DFormat.NHWC, false), "images 2-4 of 7");
    }

    @Test
    void weightsChangedInPlaceAreTransformedAgain() {
        Nd4j.getRandom().setSeed(7);
        INDArray input = Nd4j.randn(DataType.FLOAT, 2, 16, 6, 6);
        INDArray params = Nd4j.randn(DataType.FLOAT, 1, 16 * 16 * 9 + 16); // one flat array, as a graph holds them
        INDArray weights = params.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 16 * 16 * 9)).reshape(16, 16, 3, 3);
        INDArray bias = params.get(NDArrayIndex.point(0), NDArrayIndex.interval(16 * 16 * 9, 16 * 16 * 9 + 16));
        WinogradConvolution w = new WinogradConvolution();
        w.forward(input, weights, bias, CNN2DFormat.NCHW, false, NO_WS);
        w.forward(input, weights, bias, CNN2DFormat.NCHW, false, NO_WS);
        assertThat(w.transforms()).as("same weights, one transform").isEqualTo(1);

        weights.putScalar(new long[] {3, 2, 1, 1}, Math.nextUp(weights.getFloat(3, 2, 1, 1))); // one ulp
        w.forward(input, weights, bias, CNN2DFormat.NCHW, false, NO_WS);
        assertThat(w.transforms()).as("a one-ulp change is a change").isEqualTo(2);

        params.assign(Nd4j.randn(DataType.FLOAT, params.shape())); // a checkpoint loaded into the flat parameters
        INDArray out = w.forward(input, weights, bias, CNN2DFormat.NCHW, false, NO_WS);
        assertThat(w.transforms()).isEqualTo(3);
        assertClose(out, reference(input.castTo(DataType.DOUBLE), weights.castTo(DataType.DOUBLE),
                bias.castTo(DataType.DOUBLE), CNN2DFormat.NCHW, false), "after new weights");
    }

    @Test
    void fewChannelsAreLeftToTheDirectKernel() {
        INDArray out = new WinogradConvolution().forward(Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8),
                Nd4j.rand(DataType.FLOAT, 16, 3, 3, 3), Nd4j.rand(DataType.FLOAT, 16), CNN2DFormat.NCHW, false, NO_WS);
        assertThat(out).isNull();
    }

    /** Without a bias (the SE's convolutions, batch norm after them), as with a zero bias. */
    @Test
    void aLayerWithoutBiasMatchesToo() {
        Nd4j.getRandom().setSeed(11);
        INDArray input = Nd4j.randn(DataType.DOUBLE, 4, 9, 5, 32);
        INDArray weights = Nd4j.randn(DataType.DOUBLE, 48, 32, 3, 3);
        INDArray out = new WinogradConvolution().forward(input.castTo(DataType.FLOAT), weights.castTo(DataType.FLOAT),
                null, CNN2DFormat.NHWC, false, NO_WS);
        assertThat(out).isNotNull();
        assertClose(out, reference(input, weights, Nd4j.zeros(DataType.DOUBLE, 48), CNN2DFormat.NHWC, false),
                "no bias");
    }

    /** A 3x3 stride-1 layer takes the path in both passes; frozen weights and other shapes do not. */
    @Test
    void onlyPlainThreeByThreeLayersTakeThePath() {
        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 10, 10, 16);
        ComputationGraph plain = graph(1, false);
        INDArray inferred = plain.outputSingle(false, x).dup();
        FastConvolution.Runtime layer = (FastConvolution.Runtime) plain.getLayer("c");
        assertThat(layer.lastForwardWinograd()).isTrue();
        INDArray trained = plain.outputSingle(true, x).dup();
        assertThat(layer.lastForwardWinograd()).as("training").isTrue();
        assertThat(inferred.equalsWithEps(trained, 1e-4)).as("both passes give the same map, max difference %s",
                inferred.sub(trained).amaxNumber()).isTrue();

        ComputationGraph frozen = graph(1, true);
        frozen.outputSingle(false, x);
        var inside = (FastConvolution.Runtime) ((org.deeplearning4j.nn.layers.FrozenLayerWithBackprop)
                frozen.getLayer("c")).getInsideLayer();
        assertThat(inside.lastForwardWinograd()).as("frozen weights (the decoder's loss)").isFalse();

        ComputationGraph strided = graph(2, false);
        strided.outputSingle(false, x);
        assertThat(((FastConvolution.Runtime) strided.getLayer("c")).lastForwardWinograd()).as("stride 2").isFalse();
    }

    private static ComputationGraph graph(int stride, boolean frozen) {
        FastConvolution.Builder conv = new FastConvolution.Builder(3, 3).frozenWeights(frozen);
        conv.stride(stride, stride).padding(1, 1).nOut(32).convolutionMode(ConvolutionMode.Truncate)
                .activation(Activation.RELU);
        var layer = frozen ? new FrozenLayerWithBackprop(conv.build()) : conv.build();
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .seed(3).graphBuilder().addInputs("in").addLayer("c", layer, "in").setOutputs("c")
                .setInputTypes(InputType.convolutional(10, 10, 16, CNN2DFormat.NHWC)).build());
        g.init();
        return g;
    }

    private static long[] shape(CNN2DFormat format, long n, long c, long h, long w) {
        return format == CNN2DFormat.NHWC ? new long[] {n, h, w, c} : new long[] {n, c, h, w};
    }

    /** libnd4j's conv2d in double: [oC, iC, kH, kW] weights, padding 1, stride 1. */
    private static INDArray reference(INDArray input, INDArray weights, INDArray bias, CNN2DFormat format,
                                      boolean relu) {
        boolean nhwc = format == CNN2DFormat.NHWC;
        long[] s = input.shape();
        INDArray out = Nd4j.create(DataType.DOUBLE, nhwc ? new long[] {s[0], s[1], s[2], weights.size(0)}
                : new long[] {s[0], weights.size(0), s[2], s[3]});
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(input, weights, bias).addOutputs(out)
                .addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, nhwc ? 1 : 0, 1).build());
        return relu ? org.nd4j.linalg.ops.transforms.Transforms.relu(out, false) : out;
    }

    /** Winograd's float error grows with the map's magnitude: compared relative to the largest output. */
    private static void assertClose(INDArray out, INDArray reference, String what) {
        double scale = reference.amaxNumber().doubleValue();
        double diff = out.castTo(DataType.DOUBLE).sub(reference).amaxNumber().doubleValue();
        assertThat(diff).as("%s: max difference %s against outputs up to %s", what, diff, scale)
                .isLessThan(1e-5 * scale);
    }
}
