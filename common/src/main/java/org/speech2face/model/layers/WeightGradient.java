package org.speech2face.model.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The weight (and bias) gradient of a 2-D convolution alone, as im2col and one matrix product per sample. libnd4j's
 * conv2d_bp always computes the input gradient too, which a convolution that reads a network input never needs; for
 * the SE's first convolution (2 input channels) that half dominates: measured at batch 16, conv2d_bp 514 ms vs
 * 200 ms here. Used by {@link FastConvolution} when its input gradient is switched off.
 */
final class WeightGradient {
    /** Samples unfolded at once: bounds the im2col buffer (the SE's first convolution: 236 MB at batch 16). */
    private static final int CHUNK = 4;

    private WeightGradient() {
    }

    /**
     * Writes dL/dW into {@code weightGrad} ([oC, iC, kH, kW], DL4J's layout) and, if not null, dL/db into
     * {@code biasGrad}; {@code delta} is dL/d(pre-activation output) in the layer's {@code format}.
     */
    static void compute(INDArray input, INDArray delta, CNN2DFormat format, int[] kernel, int[] stride, int[] pad,
                        int[] dilation, INDArray weightGrad, INDArray biasGrad, LayerWorkspaceMgr workspaceMgr) {
        boolean nhwc = format == CNN2DFormat.NHWC;
        INDArray x = nhwc ? input.permute(0, 3, 1, 2) : input; // im2col reads NCHW (any strides)
        long n = x.size(0);
        long inC = x.size(1);
        long outC = weightGrad.size(0);
        long outH = nhwc ? delta.size(1) : delta.size(2);
        long outW = nhwc ? delta.size(2) : delta.size(3);
        long patch = inC * kernel[0] * kernel[1];
        long positions = outH * outW;
        INDArray d = Shape.hasDefaultStridesForShape(delta) && delta.ordering() == 'c' ? delta : delta.dup('c');
        INDArray sum = workspaceMgr.create(ArrayType.BP_WORKING_MEM, DataType.FLOAT, patch, outC); // [iC*kH*kW, oC]
        long chunk = Math.min(CHUNK, n);
        INDArray columns = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(),
                chunk, inC, kernel[0], kernel[1], outH, outW);
        for (long start = 0; start < n; start += chunk) {
            long size = Math.min(chunk, n - start);
            INDArray cols = size == chunk ? columns
                    : columns.get(NDArrayIndex.interval(0, size), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
            INDArray part = x.get(NDArrayIndex.interval(start, start + size), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all());
            Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(part).addOutputs(cols)
                    .addIntegerArguments(kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], dilation[0],
                            dilation[1], 0)
                    .addFloatingPointArguments(0.0).build());
            for (long j = 0; j < size; j++) {
                INDArray col = columns.get(NDArrayIndex.point(j)).reshape('c', patch, positions);
                INDArray dj = d.get(NDArrayIndex.point(start + j));
                if (nhwc) {
                    Nd4j.gemm(col, dj.reshape('c', positions, outC), sum, false, false, 1.0, 1.0);
                } else {
                    Nd4j.gemm(col, dj.reshape('c', outC, positions), sum, false, true, 1.0, 1.0);
                }
            }
        }
        weightGrad.assign(sum.reshape('c', inC, kernel[0], kernel[1], outC).permute(3, 0, 1, 2));
        if (biasGrad != null) {
            INDArray perChannel = nhwc ? d.reshape('c', n * positions, outC).sum(0)
                    : d.sum(0, 2, 3);
            biasGrad.assign(perChannel.reshape(biasGrad.shape()));
        }
    }
}
