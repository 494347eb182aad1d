package org.speech2face.model.layers;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.stream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch norm's training pass and its backward pass on channels-last float maps, each one oneDNN primitive working
 * on ND4J's arrays in place (no copies): the forward pass computes the batch statistics itself, the backward pass
 * the input, scale and shift gradients together. Built from libnd4j's ops instead, the same passes took about a
 * dozen sweeps over the map (statistics as matrix-vector products, each affine map a batchnorm op, element-wise
 * products between): the SE's bn1 map is 16 x 297 x 127 x 64, 154 MB at batch 16.
 *
 * <p>One instance per layer, used by {@link ChannelsLastBatchNorm}; a method returns false where oneDNN is not
 * there (the CUDA build, a CPU build without oneDNN) and the caller takes its other path.
 */
final class OneDnnBatchNorm {
    private static final int FLAGS = dnnl.dnnl_use_scale | dnnl.dnnl_use_shift;

    /** The primitives of one map shape and epsilon. */
    private static final class Plan {
        final batch_normalization_forward.primitive_desc forwardPd;
        final batch_normalization_forward forward;
        final batch_normalization_backward.primitive_desc backwardPd;
        final batch_normalization_backward backward;

        Plan(engine e, long[] dims, float eps) {
            memory.desc data = new memory.desc(dims, memory.data_type.f32, memory.format_tag.nhwc);
            forwardPd = new batch_normalization_forward.primitive_desc(new batch_normalization_forward.desc(
                    dnnl.dnnl_forward_training, data, eps, FLAGS), OneDnn.ownScratchpad(), e);
            forward = new batch_normalization_forward(forwardPd);
            backwardPd = new batch_normalization_backward.primitive_desc(new batch_normalization_backward.desc(
                    dnnl.dnnl_backward, data, data, eps, FLAGS), OneDnn.ownScratchpad(), e, forwardPd);
            backward = new batch_normalization_backward(backwardPd);
        }
    }

    private final Map<List<Object>, Plan> plans = new HashMap<>();
    /** This layer's own stream: a oneDNN stream is not for two threads at once. */
    private stream stream;

    /** True where oneDNN runs these primitives (the ND4J build is the oneDNN one). */
    static boolean available() {
        return OneDnn.engine() != null;
    }

    /**
     * out = gamma * (x - mean) / sqrt(var + eps) + beta per channel, with the batch's mean and biased variance
     * written to {@code mean} and {@code var}; all arrays contiguous, x and out [N, H, W, C], the rest [C].
     */
    boolean forward(INDArray x, INDArray gamma, INDArray beta, double eps, INDArray out, INDArray mean,
                    INDArray var) {
        engine e = OneDnn.engine();
        if (e == null) {
            return false;
        }
        Plan p = plan(e, nchwDims(x), (float) eps);
        run(e, p.forward, p.forwardPd, x, Map.of(dnnl.DNNL_ARG_SRC, x, dnnl.DNNL_ARG_DST, out),
                Map.of(dnnl.DNNL_ARG_SCALE, gamma, dnnl.DNNL_ARG_SHIFT, beta, dnnl.DNNL_ARG_MEAN, mean,
                        dnnl.DNNL_ARG_VARIANCE, var));
        return true;
    }

    /**
     * dx, and the sums dGamma = sum(dy * xhat) and dBeta = sum(dy) per channel, from the {@code mean} and {@code var}
     * of the forward pass; shapes as in {@link #forward}.
     */
    boolean backward(INDArray x, INDArray dy, INDArray gamma, INDArray beta, INDArray mean, INDArray var, double eps,
                     INDArray dx, INDArray dGamma, INDArray dBeta) {
        engine e = OneDnn.engine();
        if (e == null) {
            return false;
        }
        Plan p = plan(e, nchwDims(x), (float) eps);
        run(e, p.backward, p.backwardPd, x, Map.of(dnnl.DNNL_ARG_SRC, x, dnnl.DNNL_ARG_DIFF_DST, dy,
                dnnl.DNNL_ARG_DIFF_SRC, dx), Map.of(dnnl.DNNL_ARG_SCALE, gamma, dnnl.DNNL_ARG_SHIFT, beta,
                dnnl.DNNL_ARG_MEAN, mean, dnnl.DNNL_ARG_VARIANCE, var, dnnl.DNNL_ARG_DIFF_SCALE, dGamma,
                dnnl.DNNL_ARG_DIFF_SHIFT, dBeta));
        return true;
    }

    /** Runs {@code p} on the [N, H, W, C] {@code maps} and the [C] {@code vectors}, each under its oneDNN argument. */
    private void run(engine e, primitive p, primitive_desc_base pd, INDArray x, Map<Integer, INDArray> maps,
                     Map<Integer, INDArray> vectors) {
        long[] dims = nchwDims(x);
        List<memory> made = new ArrayList<>();
        try (IntMemoryMap args = new IntMemoryMap()) {
            maps.forEach((arg, a) -> args.put(arg, add(made, OneDnn.plain(e, dims, memory.format_tag.nhwc, a, 0))));
            vectors.forEach((arg, a) -> args.put(arg, add(made, OneDnn.plain(e, new long[]{dims[1]},
                    memory.format_tag.x, a, 0))));
            OneDnn.execute(e, stream(e), p, pd, args);
        } finally {
            made.forEach(memory::close);
            // oneDNN holds raw addresses: the arrays must outlive its call
            Reference.reachabilityFence(maps);
            Reference.reachabilityFence(vectors);
        }
    }

    private static memory add(List<memory> made, memory m) {
        made.add(m);
        return m;
    }

    /** oneDNN names dimensions N, C, H, W whatever the layout; the map is [N, H, W, C]. */
    private static long[] nchwDims(INDArray x) {
        return new long[]{x.size(0), x.size(3), x.size(1), x.size(2)};
    }

    private Plan plan(engine e, long[] dims, float eps) {
        return plans.computeIfAbsent(List.of(dims[0], dims[1], dims[2], dims[3], eps), k -> new Plan(e, dims, eps));
    }

    private stream stream(engine e) {
        if (stream == null) {
            stream = new stream(e);
        }
        return stream;
    }
}
