package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The input gradient computed a few images at a time equals the whole batch's in one call, for both layouts, with
 * the whole-batch reference in double precision (libnd4j's own kernels, not oneDNN's float path).
 */
class InputGradientTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aBatchInPartsGivesTheWholeBatchsGradient(boolean nhwc) {
        Nd4j.getRandom().setSeed(11);
        int n = 5;
        int outC = 6;
        int inC = 4;
        long[] deltaShape = nhwc ? new long[] {n, 9, 7, outC} : new long[] {n, outC, 9, 7};
        long[] inputShape = nhwc ? new long[] {n, 9, 7, inC} : new long[] {n, inC, 9, 7};
        INDArray delta = Nd4j.randn(DataType.DOUBLE, deltaShape);
        INDArray weights = Nd4j.randn(DataType.DOUBLE, outC, inC, 3, 3); // DL4J's [oC, iC, kH, kW]
        int[] args = {3, 3, 1, 1, 1, 1, 1, 1, 0, nhwc ? 1 : 0, 1};

        INDArray reference = Nd4j.create(DataType.DOUBLE, inputShape);
        Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(delta, weights).addOutputs(reference)
                .addIntegerArguments(args).build());

        long imageBytes = delta.length() / n * Float.BYTES;
        for (long chunkBytes : new long[] {Long.MAX_VALUE, 2 * imageBytes, 1}) {  // 1 part, 3 parts (2+1+2), 5 parts
            INDArray out = Nd4j.valueArrayOf(inputShape, Float.NaN, DataType.FLOAT);
            InputGradient.deconvolve(delta.castTo(DataType.FLOAT), weights.castTo(DataType.FLOAT), out, args, chunkBytes);
            assertThat(out.castTo(DataType.DOUBLE).equalsWithEps(reference, 1e-4))
                    .as("chunks of at most %d bytes, %s: max difference %s", chunkBytes, nhwc ? "NHWC" : "NCHW",
                            out.castTo(DataType.DOUBLE).sub(reference).amaxNumber())
                    .isTrue();
        }
    }
}
