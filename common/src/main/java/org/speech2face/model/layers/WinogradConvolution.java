package org.speech2face.model.layers;

import java.lang.ref.Reference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 3x3, stride-1, padding-1 convolution's forward pass on oneDNN's Winograd kernel (F(4x4, 3x3), AVX-512 CPUs),
 * through JavaCPP's oneDNN. libnd4j asks its own oneDNN for {@code convolution_auto}, which never picks Winograd
 * for a forward pass, though on VGGFace's 3x3 layers at batch 16 it runs at 1.7-3.1x the direct kernel's speed on
 * an AVX-512 CPU (docs/benchmarks.md, "Winograd"). Winograd trades a little precision for it: outputs differ from the
 * direct kernel's by a few units in the sixth significant digit.
 *
 * <p>One instance per layer. For inference Winograd wants its weights transformed ahead (oneDNN's {@code wino_fmt}),
 * and that transform costs as much as the convolution itself on the deep layers, so it is kept with an exact copy of
 * the weights it came from and made again only when they change (a checkpoint loaded into the graph): comparing the
 * copy costs a pass over the weights, the transform several. A training pass has new weights every step: there the
 * training primitive takes them in a plain blocked layout and transforms them inside the kernel, at a small part of
 * the convolution's time (the SE's conv5 at batch 16: 34 ms against 108 ms direct, docs/benchmarks.md#se-winograd).
 * {@link #forward} returns null where Winograd does not apply (another ISA, channel counts oneDNN's kernel does not
 * take), and the caller runs its usual path.
 */
final class WinogradConvolution {
    private static final Logger LOG = LoggerFactory.getLogger(WinogradConvolution.class);
    /** System property that turns the Winograd path off (for comparisons, or should a CPU misbehave). */
    static final String DISABLE_PROPERTY = "s2f.winograd.disable";

    /** A primitive for one chunk shape, with its transformed weights (null until first made). */
    private static final class Plan {
        final convolution_forward.primitive_desc pd;
        final convolution_forward conv;
        memory weights;

        Plan(convolution_forward.primitive_desc pd) {
            this.pd = pd;
            this.conv = new convolution_forward(pd);
        }
    }

    /**
     * Images go through in chunks whose blocked input and output copies (oneDNN's layout, in the thread's buffers,
     * {@link OneDnn#buffer}) stay under this many bytes, and Winograd's scratchpad, which grows with the images in one
     * call, with them; the images are independent, so the result is the same. VGGFace's forward pass at batch 16 peaked at 2.30 GiB with one chunk
     * of 16 images, 1.89 GiB with chunks of 128 MB, at the same speed.
     */
    static final long CHUNK_BYTES = 128L << 20;

    /**
     * Fewer channels than this in or out and the direct kernel wins: VGGFace's conv1_1 (3 -> 64) took 31 ms under
     * Winograd against 14 ms direct at batch 16, its conv1_2 (64 -> 64) 90 against 154 ms.
     */
    static final long MIN_CHANNELS = 16;

    private static volatile boolean probed;
    private static volatile boolean runs;

    private final long chunkBytes;
    private final Map<List<Object>, Plan> plans = new HashMap<>();
    /** This layer's own stream: a oneDNN stream is not for two threads at once, and two graphs' layers can be. */
    private stream stream;
    /** Exact copy of the weights the plans' transformed weights were made from; outside every workspace. */
    private INDArray weightsSeen;
    /** How many times the weights were transformed, for tests. */
    private int transforms;

    WinogradConvolution() {
        this(CHUNK_BYTES);
    }

    /** With chunks of at most {@code chunkBytes} (tests use small ones). */
    WinogradConvolution(long chunkBytes) {
        this.chunkBytes = chunkBytes;
    }

    /** True when oneDNN's Winograd forward kernel runs on this machine (and {@link #DISABLE_PROPERTY} is not set). */
    static boolean available() {
        if (!probed) {
            synchronized (WinogradConvolution.class) {
                if (!probed) {
                    runs = probe();
                    probed = true;
                }
            }
        }
        return runs;
    }

    /** Asks oneDNN for a small Winograd primitive: it refuses one where its kernel cannot run. */
    private static boolean probe() {
        engine e = Boolean.getBoolean(DISABLE_PROPERTY) ? null : OneDnn.engine();
        if (e == null) {
            return false;
        }
        try {
            primitive(e, 1, MIN_CHANNELS, MIN_CHANNELS, 8, 8, true, false).close();
            return true;
        } catch (RuntimeException t) { // oneDNN's error: no kernel for this ISA
            LOG.info("oneDNN's Winograd convolution is not available here ({}); 3x3 convolutions use libnd4j's.",
                    t.toString());
            return false;
        }
    }

    private static convolution_forward.primitive_desc primitive(engine e, long n, long ic, long oc, long h, long w,
                                                                boolean withBias, boolean relu) {
        return primitive(e, n, ic, oc, h, w, withBias, relu, false);
    }

    private static convolution_forward.primitive_desc primitive(engine e, long n, long ic, long oc, long h, long w,
                                                                boolean withBias, boolean relu, boolean training) {
        dnnl.prop_kind pass = training ? dnnl.prop_kind.forward_training : dnnl.prop_kind.forward_inference;
        memory.desc src = new memory.desc(new long[]{n, ic, h, w}, memory.data_type.f32, memory.format_tag.any);
        memory.desc wei = new memory.desc(new long[]{oc, ic, 3, 3}, memory.data_type.f32, memory.format_tag.any);
        memory.desc dst = new memory.desc(new long[]{n, oc, h, w}, memory.data_type.f32, memory.format_tag.any);
        long[] one = {1, 1};
        convolution_forward.desc d = withBias
                ? new convolution_forward.desc(pass, dnnl.algorithm.convolution_winograd,
                src, wei, new memory.desc(new long[]{oc}, memory.data_type.f32, memory.format_tag.x), dst, one, one, one)
                : new convolution_forward.desc(pass, dnnl.algorithm.convolution_winograd,
                src, wei, dst, one, one, one);
        primitive_attr attr = OneDnn.ownScratchpad();
        if (relu) {
            post_ops ops = new post_ops();
            ops.append_eltwise(1f, dnnl.algorithm.eltwise_relu, 0f, 0f);
            attr.set_post_ops(ops);
        }
        return new convolution_forward.primitive_desc(d, attr, e);
    }

    /** The inference pass: {@link #forward(INDArray, INDArray, INDArray, CNN2DFormat, boolean, boolean, LayerWorkspaceMgr)}. */
    INDArray forward(INDArray input, INDArray weights, INDArray bias, CNN2DFormat format, boolean relu,
                     LayerWorkspaceMgr workspaceMgr) {
        return forward(input, weights, bias, format, relu, false, workspaceMgr);
    }

    /**
     * The convolution of {@code input} (rank 4, {@code format}) with {@code weights} [out, in, 3, 3] and
     * {@code bias} [out] (or [1, out]; null for none), ReLU applied when {@code relu}, as a new activations array of
     * the input's layout; or null where Winograd does not apply. {@code training} for weights that change with every
     * call (see the class comment): nothing is kept from one call to the next.
     */
    INDArray forward(INDArray input, INDArray weights, INDArray bias, CNN2DFormat format, boolean relu,
                     boolean training, LayerWorkspaceMgr workspaceMgr) {
        engine e = available() ? OneDnn.engine() : null;
        if (e == null || input.rank() != 4 || input.dataType() != DataType.FLOAT
                || weights.dataType() != DataType.FLOAT || (bias != null && bias.dataType() != DataType.FLOAT)
                || weights.size(2) != 3 || weights.size(3) != 3) {
            return null;
        }
        boolean nhwc = format == CNN2DFormat.NHWC;
        long n = input.size(0);
        long ic = nhwc ? input.size(3) : input.size(1);
        long h = nhwc ? input.size(1) : input.size(2);
        long w = nhwc ? input.size(2) : input.size(3);
        long oc = weights.size(0);
        if (weights.size(1) != ic || ic < MIN_CHANNELS || oc < MIN_CHANNELS) {
            return null;
        }
        long imageBytes = (ic + oc) * h * w * Float.BYTES;
        long chunk = Math.max(1, Math.min(n, chunkBytes / imageBytes));
        boolean withBias = bias != null;
        Plan full = plan(e, chunk, ic, oc, h, w, withBias, relu, training);
        Plan last = n % chunk == 0 ? full : plan(e, n % chunk, ic, oc, h, w, withBias, relu, training);
        if (full == null || last == null) {
            return null;
        }
        if (!training) {
            refreshWeights(weights);
        }
        INDArray w4 = training ? OneDnn.contiguous(weights) : null;
        INDArray in = OneDnn.contiguous(input);
        INDArray b = withBias ? OneDnn.contiguous(bias) : null;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                nhwc ? new long[]{n, h, w, oc} : new long[]{n, oc, h, w}, 'c');
        if (stream == null) {
            stream = new stream(e);
        }
        stream s = stream;
        memory.format_tag plain = nhwc ? memory.format_tag.nhwc : memory.format_tag.nchw;
        try (memory biasMem = withBias ? OneDnn.plain(e, new long[]{oc}, memory.format_tag.x, b, 0) : null) {
            for (long first = 0; first < n; first += chunk) {
                long images = Math.min(chunk, n - first);
                Plan p = images == chunk ? full : last;
                if (!training) {
                    transformWeights(e, s, p, weights);
                }
                try (memory blockedWeights = training ? blockedWeights(e, s, p, w4) : null;
                     memory srcUser = OneDnn.plain(e, new long[]{images, ic, h, w}, plain, in, first * ic * h * w);
                     memory dstUser = OneDnn.plain(e, new long[]{images, oc, h, w}, plain, out, first * oc * h * w);
                     memory src = new memory(p.pd.src_desc(), e,
                             OneDnn.buffer(OneDnn.SOURCE, p.pd.src_desc().get_size()));
                     memory dst = new memory(p.pd.dst_desc(), e,
                             OneDnn.buffer(OneDnn.DESTINATION, p.pd.dst_desc().get_size()));
                     IntMemoryMap args = new IntMemoryMap()) {
                    OneDnn.reorder(e, s, srcUser, src);
                    args.put(dnnl.DNNL_ARG_SRC, src);
                    args.put(dnnl.DNNL_ARG_WEIGHTS, training ? blockedWeights : p.weights);
                    if (biasMem != null) {
                        args.put(dnnl.DNNL_ARG_BIAS, biasMem);
                    }
                    args.put(dnnl.DNNL_ARG_DST, dst);
                    OneDnn.execute(e, s, p.conv, p.pd, args);
                    OneDnn.reorder(e, s, dst, dstUser);
                }
            }
        } finally {
            // oneDNN holds raw addresses: the arrays (copies among them) must outlive its calls
            Reference.reachabilityFence(in);
            Reference.reachabilityFence(b);
            Reference.reachabilityFence(w4);
            Reference.reachabilityFence(input);
        }
        return out;
    }

    /** The plan for {@code n} images of this shape, or null where oneDNN has no Winograd kernel for it. */
    private Plan plan(engine e, long n, long ic, long oc, long h, long w, boolean withBias, boolean relu,
                      boolean training) {
        List<Object> key = List.of(n, ic, oc, h, w, withBias, relu, training);
        if (plans.containsKey(key)) {
            return plans.get(key);
        }
        Plan plan;
        try {
            plan = new Plan(primitive(e, n, ic, oc, h, w, withBias, relu, training));
        } catch (RuntimeException refused) { // no Winograd kernel for these channel counts
            plan = null;
        }
        plans.put(key, plan);
        return plan;
    }

    /** The training primitive's weights: {@code w4} [out, in, 3, 3] in its blocked layout, in this thread's buffer. */
    private static memory blockedWeights(engine e, stream s, Plan p, INDArray w4) {
        memory.desc blocked = p.pd.weights_desc();
        memory to = new memory(blocked, e, OneDnn.buffer(OneDnn.WEIGHTS, blocked.get_size()));
        try (memory user = OneDnn.plain(e, new long[]{w4.size(0), w4.size(1), 3, 3}, memory.format_tag.oihw, w4, 0)) {
            OneDnn.reorder(e, s, user, to);
        }
        return to;
    }

    /** Gives {@code p} its transformed weights: another plan's where the layout is the same, else made now. */
    private void transformWeights(engine e, stream s, Plan p, INDArray weights) {
        if (p.weights != null) {
            return;
        }
        for (Plan other : plans.values()) {
            if (other != null && other.weights != null && other.pd.weights_desc().equals(p.pd.weights_desc())) {
                p.weights = other.weights;
                return;
            }
        }
        INDArray w4 = OneDnn.contiguous(weights);
        try (memory user = OneDnn.plain(e, new long[]{weights.size(0), weights.size(1), 3, 3}, memory.format_tag.oihw,
                w4, 0)) {
            p.weights = new memory(p.pd.weights_desc(), e);
            OneDnn.reorder(e, s, user, p.weights);
        } finally {
            Reference.reachabilityFence(w4);
        }
        transforms++;
    }

    int transforms() {
        return transforms;
    }

    /** Drops every transformed weight when {@code weights} differ from those they were made from. */
    private void refreshWeights(INDArray weights) {
        if (weightsSeen != null && weightsSeen.equalShapes(weights) && weightsSeen.equalsWithEps(weights, 0.0)) {
            return;
        }
        java.util.Set<memory> closed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Plan p : plans.values()) {
            if (p != null && p.weights != null) {
                if (closed.add(p.weights)) {
                    p.weights.close();
                }
                p.weights = null;
            }
        }
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            weightsSeen = weights.dup('c');
        }
    }
}
