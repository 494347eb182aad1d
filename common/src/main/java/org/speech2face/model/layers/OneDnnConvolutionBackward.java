package org.speech2face.model.layers;

import java.lang.ref.Reference;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A channels-last convolution's backward pass as oneDNN primitives called directly, on ND4J's arrays where they lie.
 * Two uses:
 * <ul>
 *   <li>the weight (and bias) gradient alone, reading the NHWC maps as they are: for the SE's first convolution
 *       (2 channels in, 7x7, stride 2, the map 297 x 127) this replaces {@link WeightGradient}'s im2col and sixteen
 *       matrix products of 98 x 37,719 x 64 at batch 16 (40 ms against 54 ms in the products alone);</li>
 *   <li>the input gradient and the weight gradient, in the layouts oneDNN picks (blocked, Winograd for 3x3), with
 *       every blocked copy in the thread's kept buffers ({@link OneDnn#buffer}). libnd4j's conv2d_bp picks the same
 *       kernels but has oneDNN allocate its blocked copies on every call, and those above glibc's mmap threshold
 *       (32 MiB at most) are fresh mappings whose pages the kernel zeroes each step: about 60 ms of the SE's step
 *       (docs/benchmarks.md#se-winograd).</li>
 * </ul>
 * Returns false or null where oneDNN is not there or refuses the shape; the caller then takes its other path.
 */
final class OneDnnConvolutionBackward {
    /** The primitives of one shape (backward data null for the weight gradient alone); they run on any thread. */
    private record Plan(convolution_backward_weights.primitive_desc weightsPd, convolution_backward_weights weights,
                        convolution_backward_data.primitive_desc dataPd, convolution_backward_data data) {
    }

    private static final Map<List<Object>, Optional<Plan>> PLANS = new ConcurrentHashMap<>();

    private OneDnnConvolutionBackward() {
    }

    /**
     * Writes dL/dW into {@code weightGrad} ([oC, iC, kH, kW]) and, if not null, dL/db into {@code biasGrad}, from
     * the NHWC {@code input} and {@code delta} (dL/d pre-activation output); false, and nothing written, where this
     * path does not apply.
     */
    static boolean weightGradient(INDArray input, INDArray delta, CNN2DFormat format, int[] kernel, int[] stride,
                                  int[] pad, int[] dilation, INDArray weightGrad, INDArray biasGrad) {
        return run(input, null, delta, format, kernel, stride, pad, dilation, weightGrad, biasGrad, null) != null;
    }

    /**
     * {@link #weightGradient} and dL/d{@code input} ({@code weights} [oC, iC, kH, kW]) as a new activation-gradient
     * array of the input's shape; null, and nothing written, where this path does not apply.
     */
    static INDArray inputAndWeightGradients(INDArray input, INDArray weights, INDArray delta, CNN2DFormat format,
                                            int[] kernel, int[] stride, int[] pad, int[] dilation,
                                            INDArray weightGrad, INDArray biasGrad, LayerWorkspaceMgr workspaceMgr) {
        return run(input, weights, delta, format, kernel, stride, pad, dilation, weightGrad, biasGrad, workspaceMgr);
    }

    /** The input gradient (or {@code input} itself for the weight gradient alone); null where this does not apply. */
    private static INDArray run(INDArray input, INDArray weights, INDArray delta, CNN2DFormat format, int[] kernel,
                                int[] stride, int[] pad, int[] dilation, INDArray weightGrad, INDArray biasGrad,
                                LayerWorkspaceMgr workspaceMgr) {
        engine e = OneDnn.engine();
        if (e == null || format != CNN2DFormat.NHWC || input.dataType() != DataType.FLOAT
                || delta.dataType() != DataType.FLOAT || weightGrad.dataType() != DataType.FLOAT
                || (weights != null && weights.dataType() != DataType.FLOAT) || dilation[0] != 1 || dilation[1] != 1) {
            return null;
        }
        long n = input.size(0);
        long[] src = {n, input.size(3), input.size(1), input.size(2)};
        long[] dst = {n, delta.size(3), delta.size(1), delta.size(2)};
        long[] wei = {weightGrad.size(0), weightGrad.size(1), kernel[0], kernel[1]};
        boolean bias = biasGrad != null;
        boolean data = weights != null;
        Optional<Plan> plan = PLANS.computeIfAbsent(List.of(List.of(src[0], src[1], src[2], src[3]),
                List.of(dst[1], dst[2], dst[3]), kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], bias,
                data), k -> plan(e, src, dst, wei, stride, pad, bias, data));
        if (plan.isEmpty()) {
            return null;
        }
        Plan p = plan.get();
        INDArray x = OneDnn.contiguous(input);
        INDArray d = OneDnn.contiguous(delta);
        INDArray w = data ? OneDnn.contiguous(weights) : null;
        INDArray dx = data ? workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                input.shape(), 'c') : input;
        INDArray dw = OneDnn.contiguous(weightGrad);
        INDArray db = bias ? OneDnn.contiguous(biasGrad) : null;
        try (stream s = new stream(e);
             memory srcUser = OneDnn.plain(e, src, memory.format_tag.nhwc, x, 0);
             memory dstUser = OneDnn.plain(e, dst, memory.format_tag.nhwc, d, 0);
             memory dwUser = OneDnn.plain(e, wei, memory.format_tag.oihw, dw, 0);
             memory dbUser = bias ? OneDnn.plain(e, new long[]{wei[0]}, memory.format_tag.x, db, 0) : null) {
            memory diffDst = null;
            if (data) {
                try (memory weiUser = OneDnn.plain(e, wei, memory.format_tag.oihw, w, 0);
                     memory dxUser = OneDnn.plain(e, src, memory.format_tag.nhwc, dx, 0)) {
                    diffDst = inLayout(e, s, dstUser, p.dataPd().diff_dst_desc(), OneDnn.DESTINATION);
                    memory wBlocked = inLayout(e, s, weiUser, p.dataPd().weights_desc(), OneDnn.WEIGHTS);
                    memory dxOut = output(e, dxUser, p.dataPd().diff_src_desc(), OneDnn.DIFF_SOURCE);
                    try (IntMemoryMap args = new IntMemoryMap()) {
                        args.put(dnnl.DNNL_ARG_DIFF_DST, diffDst);
                        args.put(dnnl.DNNL_ARG_WEIGHTS, wBlocked);
                        args.put(dnnl.DNNL_ARG_DIFF_SRC, dxOut);
                        OneDnn.execute(e, s, p.data(), p.dataPd(), args);
                    }
                    finish(e, s, dxOut, dxUser);
                    closeIfCopy(wBlocked, weiUser);
                }
            }
            if (diffDst == null || !diffDst.get_desc().equals(p.weightsPd().diff_dst_desc())) {
                closeIfCopy(diffDst, dstUser);
                diffDst = inLayout(e, s, dstUser, p.weightsPd().diff_dst_desc(), OneDnn.DESTINATION);
            }
            memory srcIn = inLayout(e, s, srcUser, p.weightsPd().src_desc(), OneDnn.SOURCE);
            memory dwOut = output(e, dwUser, p.weightsPd().diff_weights_desc(), OneDnn.WEIGHTS);
            try (IntMemoryMap args = new IntMemoryMap()) {
                args.put(dnnl.DNNL_ARG_SRC, srcIn);
                args.put(dnnl.DNNL_ARG_DIFF_DST, diffDst);
                args.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, dwOut);
                if (dbUser != null) {
                    args.put(dnnl.DNNL_ARG_DIFF_BIAS, dbUser);
                }
                OneDnn.execute(e, s, p.weights(), p.weightsPd(), args);
            }
            finish(e, s, dwOut, dwUser);
            closeIfCopy(srcIn, srcUser);
            closeIfCopy(diffDst, dstUser);
        } finally {
            Reference.reachabilityFence(x);
            Reference.reachabilityFence(d);
            Reference.reachabilityFence(w);
            Reference.reachabilityFence(dw);
            Reference.reachabilityFence(db);
        }
        if (dw != weightGrad) {
            weightGrad.assign(dw);
        }
        if (bias && db != biasGrad) {
            biasGrad.assign(db.reshape(biasGrad.shape()));
        }
        return dx;
    }

    /** {@code user} itself where the primitive reads that layout, else a copy in {@code desc} in buffer {@code i}. */
    private static memory inLayout(engine e, stream s, memory user, memory.desc desc, int i) {
        if (desc.equals(user.get_desc())) {
            return user;
        }
        memory copy = new memory(desc, e, OneDnn.buffer(i, desc.get_size()));
        OneDnn.reorder(e, s, user, copy);
        return copy;
    }

    /** Where the primitive writes: {@code user} if it takes that layout, else buffer {@code i} as {@code desc}. */
    private static memory output(engine e, memory user, memory.desc desc, int i) {
        return desc.equals(user.get_desc()) ? user : new memory(desc, e, OneDnn.buffer(i, desc.get_size()));
    }

    /** Copies a primitive's output from its buffer into {@code user}, where it was not written there directly. */
    private static void finish(engine e, stream s, memory out, memory user) {
        if (out != user) {
            OneDnn.reorder(e, s, out, user);
            out.close();
        }
    }

    private static void closeIfCopy(memory m, memory user) {
        if (m != null && m != user) {
            m.close();
        }
    }

    /**
     * The primitives for this shape; empty where oneDNN refuses it. The weight gradient alone reads both maps
     * channels-last as they are (its one user, the SE's conv1, has 2 input channels, which no blocked layout suits);
     * with the input gradient oneDNN picks the layouts and the algorithm (Winograd for 3x3). The right and bottom
     * padding are what the output size implies (DL4J's truncating mode can leave input unread).
     */
    private static Optional<Plan> plan(engine e, long[] src, long[] dst, long[] wei, int[] stride, int[] pad,
                                       boolean bias, boolean data) {
        long[] strides = {stride[0], stride[1]};
        long[] left = {pad[0], pad[1]};
        long[] right = {(dst[2] - 1) * stride[0] + wei[2] - src[2] - pad[0],
                (dst[3] - 1) * stride[1] + wei[3] - src[3] - pad[1]};
        if (right[0] < 0 || right[1] < 0) {
            return Optional.empty();
        }
        memory.format_tag maps = data ? memory.format_tag.any : memory.format_tag.nhwc;
        dnnl.algorithm algorithm = data ? dnnl.algorithm.convolution_auto : dnnl.algorithm.convolution_direct;
        memory.desc srcMd = new memory.desc(src, memory.data_type.f32, maps);
        memory.desc dstMd = new memory.desc(dst, memory.data_type.f32, maps);
        memory.desc weiMd = new memory.desc(wei, memory.data_type.f32, memory.format_tag.any);
        memory.desc biasMd = new memory.desc(new long[]{wei[0]}, memory.data_type.f32, memory.format_tag.x);
        try {
            convolution_forward.primitive_desc hint = new convolution_forward.primitive_desc(bias
                    ? new convolution_forward.desc(dnnl.prop_kind.forward_training, algorithm, srcMd, weiMd, biasMd,
                    dstMd, strides, left, right)
                    : new convolution_forward.desc(dnnl.prop_kind.forward_training, algorithm, srcMd, weiMd, dstMd,
                    strides, left, right), OneDnn.ownScratchpad(), e);
            convolution_backward_weights.desc wd = bias
                    ? new convolution_backward_weights.desc(algorithm, srcMd, weiMd, biasMd, dstMd, strides, left,
                    right)
                    : new convolution_backward_weights.desc(algorithm, srcMd, weiMd, dstMd, strides, left, right);
            convolution_backward_weights.primitive_desc wpd = new convolution_backward_weights.primitive_desc(wd,
                    OneDnn.ownScratchpad(), e, hint);
            convolution_backward_data.primitive_desc dpd = data ? new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(algorithm, srcMd, weiMd, dstMd, strides, left, right),
                    OneDnn.ownScratchpad(), e, hint) : null;
            return Optional.of(new Plan(wpd, new convolution_backward_weights(wpd), dpd,
                    dpd == null ? null : new convolution_backward_data(dpd)));
        } catch (RuntimeException refused) { // no kernel for this shape or layout
            return Optional.empty();
        }
    }
}
