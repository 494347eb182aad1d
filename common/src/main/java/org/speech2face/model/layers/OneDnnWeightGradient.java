package org.speech2face.model.layers;

import java.lang.ref.Reference;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A convolution's weight (and bias) gradient alone as one oneDNN primitive, reading ND4J's channels-last input and
 * output gradient where they lie. For the SE's first convolution (2 channels in, 7x7, stride 2, the map 297 x 127)
 * this replaces {@link WeightGradient}'s im2col and sixteen matrix products of 98 x 37,719 x 64 at batch 16. Returns
 * false where oneDNN is not there or refuses the shape, and the caller takes {@link WeightGradient}'s path.
 */
final class OneDnnWeightGradient {
    /** The primitive of one shape, or none where oneDNN refused it; primitives run on any thread at once. */
    private record Plan(convolution_backward_weights.primitive_desc pd, convolution_backward_weights primitive) {
    }

    private static final Map<List<Object>, Optional<Plan>> PLANS = new ConcurrentHashMap<>();

    private OneDnnWeightGradient() {
    }

    /**
     * Writes dL/dW into {@code weightGrad} ([oC, iC, kH, kW]) and, if not null, dL/db into {@code biasGrad}, from
     * the NHWC {@code input} and {@code delta} (dL/d pre-activation output); false, and nothing written, where this
     * path does not apply.
     */
    static boolean compute(INDArray input, INDArray delta, CNN2DFormat format, int[] kernel, int[] stride, int[] pad,
                           int[] dilation, INDArray weightGrad, INDArray biasGrad) {
        engine e = OneDnn.engine();
        if (e == null || format != CNN2DFormat.NHWC || input.dataType() != DataType.FLOAT
                || delta.dataType() != DataType.FLOAT || dilation[0] != 1 || dilation[1] != 1) {
            return false;
        }
        long n = input.size(0);
        long[] src = {n, input.size(3), input.size(1), input.size(2)};
        long[] dst = {n, delta.size(3), delta.size(1), delta.size(2)};
        long[] wei = {weightGrad.size(0), weightGrad.size(1), kernel[0], kernel[1]};
        boolean bias = biasGrad != null;
        Optional<Plan> plan = PLANS.computeIfAbsent(List.of(List.of(src[0], src[1], src[2], src[3]),
                List.of(dst[1], dst[2], dst[3]), kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], bias),
                k -> plan(e, src, dst, wei, stride, pad, bias));
        if (plan.isEmpty()) {
            return false;
        }
        Plan p = plan.get();
        INDArray x = OneDnn.contiguous(input);
        INDArray d = OneDnn.contiguous(delta);
        INDArray dw = Nd4j.createUninitializedDetached(DataType.FLOAT, wei);
        INDArray db = bias ? Nd4j.createUninitializedDetached(DataType.FLOAT, wei[0]) : null;
        try (stream s = new stream(e);
             memory srcMem = OneDnn.plain(e, src, memory.format_tag.nhwc, x, 0);
             memory dstMem = OneDnn.plain(e, dst, memory.format_tag.nhwc, d, 0);
             memory dwUser = OneDnn.plain(e, wei, memory.format_tag.oihw, dw, 0);
             memory dwMem = new memory(p.pd().diff_weights_desc(), e,
                     OneDnn.buffer(OneDnn.WEIGHTS, p.pd().diff_weights_desc().get_size()));
             memory dbMem = bias ? OneDnn.plain(e, new long[]{wei[0]}, memory.format_tag.x, db, 0) : null;
             IntMemoryMap args = new IntMemoryMap()) {
            args.put(dnnl.DNNL_ARG_SRC, srcMem);
            args.put(dnnl.DNNL_ARG_DIFF_DST, dstMem);
            args.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, dwMem);
            if (dbMem != null) {
                args.put(dnnl.DNNL_ARG_DIFF_BIAS, dbMem);
            }
            OneDnn.execute(e, s, p.primitive(), p.pd(), args);
            OneDnn.reorder(e, s, dwMem, dwUser);
        } finally {
            Reference.reachabilityFence(x);
            Reference.reachabilityFence(d);
        }
        weightGrad.assign(dw);
        if (bias) {
            biasGrad.assign(db.reshape(biasGrad.shape()));
        }
        return true;
    }

    /**
     * The primitive for this shape, reading both maps channels-last as they are; empty where oneDNN refuses it. The
     * right and bottom padding are what the output size implies (DL4J's truncating mode can leave input unread).
     */
    private static Optional<Plan> plan(engine e, long[] src, long[] dst, long[] wei, int[] stride, int[] pad,
                                       boolean bias) {
        long[] strides = {stride[0], stride[1]};
        long[] left = {pad[0], pad[1]};
        long[] right = {(dst[2] - 1) * stride[0] + wei[2] - src[2] - pad[0],
                (dst[3] - 1) * stride[1] + wei[3] - src[3] - pad[1]};
        if (right[0] < 0 || right[1] < 0) {
            return Optional.empty();
        }
        memory.desc srcMd = new memory.desc(src, memory.data_type.f32, memory.format_tag.nhwc);
        memory.desc dstMd = new memory.desc(dst, memory.data_type.f32, memory.format_tag.nhwc);
        memory.desc weiMd = new memory.desc(wei, memory.data_type.f32, memory.format_tag.any);
        memory.desc biasMd = new memory.desc(new long[]{wei[0]}, memory.data_type.f32, memory.format_tag.x);
        try {
            convolution_forward.primitive_desc hint = new convolution_forward.primitive_desc(bias
                    ? new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct,
                    srcMd, weiMd, biasMd, dstMd, strides, left, right)
                    : new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct,
                    srcMd, weiMd, dstMd, strides, left, right), OneDnn.ownScratchpad(), e);
            convolution_backward_weights.desc d = bias
                    ? new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, srcMd, weiMd, biasMd,
                    dstMd, strides, left, right)
                    : new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, srcMd, weiMd, dstMd,
                    strides, left, right);
            convolution_backward_weights.primitive_desc pd = new convolution_backward_weights.primitive_desc(d,
                    OneDnn.ownScratchpad(), e, hint);
            return Optional.of(new Plan(pd, new convolution_backward_weights(pd)));
        } catch (RuntimeException refused) { // no kernel for this shape or layout
            return Optional.empty();
        }
    }
}
