package org.speech2face.model.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The input gradient of a 2-D convolution alone: the transposed convolution of the output gradient with the same
 * weights. libnd4j's conv2d_bp always computes the weight gradient too, which a frozen layer throws away; its
 * deconv2d op is the other half on its own. DL4J's convolution weights [oC, iC, kH, kW] are deconv2d's weight
 * format 1 ([its iC, its oC, kH, kW]) as they lie, so nothing is copied. deconv2d runs on oneDNN in the CPU build
 * and on libnd4j's own CUDA kernels in the GPU build: the same op everywhere.
 */
final class InputGradient {
    /**
     * Largest output gradient handed to one deconv2d call. oneDNN reorders the output gradient and the input gradient
     * into blocked copies of their own for the call; for VGGFace's conv1_2 at batch 16 those are 205 MB each, and they
     * set the FD step's peak memory. Images are independent here, so a few at a time give the same result with copies
     * of this size at most (the batch is cut into equal parts; one image is the floor).
     */
    static final long CHUNK_BYTES = 32L << 20;

    private InputGradient() {
    }

    /**
     * dL/d(input) of convolution {@code c} with explicit padding {@code pad}, from {@code delta} = dL/d(pre-activation
     * output); null when the transposed convolution would not give back the input's size (a truncating stride),
     * in which case the caller takes the full backward pass.
     */
    static INDArray compute(INDArray delta, INDArray weights, INDArray input, ConvolutionLayer c, int[] pad,
                            LayerWorkspaceMgr workspaceMgr) {
        boolean nhwc = c.getCnn2dDataFormat() == CNN2DFormat.NHWC;
        int h = nhwc ? 1 : 2;
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        for (int i = 0; i < 2; i++) {
            long back = (delta.size(h + i) - 1) * s[i] + (long) (k[i] - 1) * d[i] + 1 - 2L * pad[i];
            if (back != input.size(h + i)) {
                return null;
            }
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        deconvolve(delta, weights, out, new int[] {k[0], k[1], s[0], s[1], pad[0], pad[1], d[0], d[1], 0, nhwc ? 1 : 0, 1},
                CHUNK_BYTES);
        return out;
    }

    /** deconv2d of {@code delta} into {@code out}, over parts of the batch whose gradient is at most {@code chunkBytes}. */
    static void deconvolve(INDArray delta, INDArray weights, INDArray out, int[] args, long chunkBytes) {
        long n = delta.size(0);
        long perImage = Math.max(delta.length() / n, out.length() / n) * delta.dataType().width();
        long parts = Math.min(n, Math.max(1, (perImage * n + chunkBytes - 1) / chunkBytes));
        for (long i = 0; i < parts; i++) {
            long from = n * i / parts;
            long to = n * (i + 1) / parts;
            INDArray dPart = parts == 1 ? delta : delta.get(NDArrayIndex.interval(from, to));
            INDArray oPart = parts == 1 ? out : out.get(NDArrayIndex.interval(from, to));
            Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(dPart, weights).addOutputs(oPart)
                    .addIntegerArguments(args).build());
        }
    }
}
