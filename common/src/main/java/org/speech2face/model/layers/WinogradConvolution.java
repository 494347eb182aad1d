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
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 3x3, stride-1, padding-1 convolution's inference pass on oneDNN's Winograd kernel (F(4x4, 3x3), AVX-512 CPUs),
 * through JavaCPP's oneDNN. libnd4j asks its own oneDNN for {@code convolution_auto}, which never picks Winograd
 * for a forward pass, though on VGGFace's 3x3 layers at batch 16 it runs at 1.7-3.1x the direct kernel's speed on
 * an AVX-512 CPU (docs/benchmarks.md, "Winograd"). Winograd trades a little precision for it: outputs differ from the
 * direct kernel's by a few units in the sixth significant digit.
 *
 * <p>One instance per layer. Winograd wants its weights transformed, which costs as much as the convolution itself
 * on the deep layers, so the transform is kept with an exact copy of the weights it came from and made again only
 * when they change (a training step, a checkpoint loaded into the graph): comparing the copy costs a pass over the
 * weights, the transform several. {@link #forward} returns null where Winograd does not apply (another ISA, channel
 * counts oneDNN's kernel does not take), and the caller runs its usual path.
 */
final class WinogradConvolution {
    private static final Logger LOG = LoggerFactory.getLogger(WinogradConvolution.class);
    /** System property that turns the Winograd path off (for comparisons, or should a CPU misbehave). */
    static final String DISABLE_PROPERTY = "s2f.winograd.disable";

    /** The oneDNN CPU engine, shared by every layer; null where oneDNN's Winograd kernel cannot run here. */
    private static volatile engine cpu;
    private static volatile boolean probed;

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
     * Images go through in chunks whose blocked input and output copies (oneDNN's layout, in the thread's
     * {@link #BUFFERS}) stay under this many bytes, and Winograd's scratchpad, which grows with the images in one
     * call, with them; the images are
     * independent, so the result is the same. VGGFace's forward pass at batch 16 peaked at 2.30 GiB with one chunk
     * of 16 images, 1.89 GiB with chunks of 128 MB, at the same speed.
     */
    static final long CHUNK_BYTES = 128L << 20;

    /**
     * Fewer channels than this in or out and the direct kernel wins: VGGFace's conv1_1 (3 -> 64) took 31 ms under
     * Winograd against 14 ms direct at batch 16, its conv1_2 (64 -> 64) 90 against 154 ms.
     */
    static final long MIN_CHANNELS = 16;

    /**
     * Each thread's buffers for the blocked copies and the scratchpad, kept and grown, never shrunk: a fresh mapping
     * per call costs its page faults every call (VGGFace's forward pass at batch 16: 1.36 s a batch that way, 1.14 s
     * with these). At most one chunk's copies and scratchpad per thread that runs these layers.
     */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

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

    /** Grow-only native buffers, page-aligned. */
    private static final class Buffers {
        private final BytePointer[] raw = new BytePointer[3];
        private final long[] size = new long[3];

        /** Buffer {@code i} (0 source, 1 destination, 2 scratchpad) of at least {@code bytes}. */
        Pointer get(int i, long bytes) {
            if (size[i] < bytes) {
                if (raw[i] != null) {
                    raw[i].close();
                }
                raw[i] = new BytePointer(bytes + PAGE);
                size[i] = bytes;
            }
            long misalignment = raw[i].address() % PAGE;
            return new Pointer(raw[i]).position(misalignment == 0 ? 0 : PAGE - misalignment);
        }
    }

    private static final long PAGE = 4096;

    /** True when oneDNN's Winograd forward kernel runs on this machine (and {@link #DISABLE_PROPERTY} is not set). */
    static boolean available() {
        return engine() != null;
    }

    private static engine engine() {
        if (!probed) {
            synchronized (WinogradConvolution.class) {
                if (!probed) {
                    cpu = probe();
                    probed = true;
                }
            }
        }
        return cpu;
    }

    /** Loads oneDNN and asks it for a small Winograd primitive: oneDNN refuses one where its kernel cannot run. */
    private static engine probe() {
        if (Boolean.getBoolean(DISABLE_PROPERTY) || !NativeBackend.hasOneDnn()) {
            return null;
        }
        try {
            engine e = new engine(engine.kind.cpu, 0);
            primitive(e, 1, MIN_CHANNELS, MIN_CHANNELS, 8, 8, false).close();
            return e;
        } catch (Throwable t) { // oneDNN's error (no kernel for this ISA) or a native library that would not load
            LOG.info("oneDNN's Winograd convolution is not available here ({}); 3x3 convolutions use libnd4j's.",
                    t.toString());
            return null;
        }
    }

    private static convolution_forward.primitive_desc primitive(engine e, long n, long ic, long oc, long h, long w,
                                                                boolean relu) {
        memory.desc src = new memory.desc(new long[]{n, ic, h, w}, memory.data_type.f32, memory.format_tag.any);
        memory.desc wei = new memory.desc(new long[]{oc, ic, 3, 3}, memory.data_type.f32, memory.format_tag.any);
        memory.desc bias = new memory.desc(new long[]{oc}, memory.data_type.f32, memory.format_tag.x);
        memory.desc dst = new memory.desc(new long[]{n, oc, h, w}, memory.data_type.f32, memory.format_tag.any);
        convolution_forward.desc d = new convolution_forward.desc(dnnl.prop_kind.forward_inference,
                dnnl.algorithm.convolution_winograd, src, wei, bias, dst, new long[]{1, 1}, new long[]{1, 1},
                new long[]{1, 1});
        primitive_attr attr = ownScratchpad();
        if (relu) {
            post_ops ops = new post_ops();
            ops.append_eltwise(1f, dnnl.algorithm.eltwise_relu, 0f, 0f);
            attr.set_post_ops(ops);
        }
        return new convolution_forward.primitive_desc(d, attr, e);
    }

    /**
     * Attributes under which the caller passes the scratchpad (the running thread's, {@link #BUFFERS}). With oneDNN's
     * default, primitives made on one thread share one buffer, and two Spark tasks of an executor run on pooled
     * threads: layers whose primitives one thread made crashed when two tasks ran them at once
     * ({@code WinogradConvolutionTest}).
     */
    private static primitive_attr ownScratchpad() {
        primitive_attr attr = new primitive_attr();
        attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);
        return attr;
    }

    /** Runs {@code p} with {@code args} and this thread's scratchpad, if it needs one. */
    private static void execute(engine e, stream s, primitive p, primitive_desc_base pd, IntMemoryMap args) {
        memory.desc scratch = pd.scratchpad_desc();
        try (memory scratchpad = scratch.get_size() > 0
                ? new memory(scratch, e, BUFFERS.get().get(2, scratch.get_size())) : null) {
            if (scratchpad != null) {
                args.put(dnnl.DNNL_ARG_SCRATCHPAD, scratchpad);
            }
            p.execute(s, args);
            s._wait();
        }
    }

    /** Copies {@code from} into {@code to}, converting the layout. */
    private static void reorder(engine e, stream s, memory from, memory to) {
        try (reorder.primitive_desc pd = new reorder.primitive_desc(from, to, ownScratchpad(), false);
             reorder r = new reorder(pd);
             IntMemoryMap args = new IntMemoryMap()) {
            args.put(dnnl.DNNL_ARG_FROM, from);
            args.put(dnnl.DNNL_ARG_TO, to);
            execute(e, s, r, pd, args);
        }
    }

    /**
     * The convolution of {@code input} (rank 4, {@code format}) with {@code weights} [out, in, 3, 3] and
     * {@code bias} [out] (or [1, out]), ReLU applied when {@code relu}, as a new activations array of the input's
     * layout; or null where Winograd does not apply.
     */
    INDArray forward(INDArray input, INDArray weights, INDArray bias, CNN2DFormat format, boolean relu,
                     LayerWorkspaceMgr workspaceMgr) {
        engine e = engine();
        if (e == null || input.rank() != 4 || input.dataType() != DataType.FLOAT
                || weights.dataType() != DataType.FLOAT || bias == null || bias.dataType() != DataType.FLOAT
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
        Plan full = plan(e, chunk, ic, oc, h, w, relu);
        Plan last = n % chunk == 0 ? full : plan(e, n % chunk, ic, oc, h, w, relu);
        if (full == null || last == null) {
            return null;
        }
        refreshWeights(weights);
        INDArray in = contiguous(input);
        INDArray b = contiguous(bias);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                nhwc ? new long[]{n, h, w, oc} : new long[]{n, oc, h, w}, 'c');
        if (stream == null) {
            stream = new stream(e);
        }
        stream s = stream;
        memory.format_tag plain = nhwc ? memory.format_tag.nhwc : memory.format_tag.nchw;
        try (memory biasMem = new memory(new memory.desc(new long[]{oc}, memory.data_type.f32, memory.format_tag.x),
                e, address(b, 0))) {
            for (long first = 0; first < n; first += chunk) {
                long images = Math.min(chunk, n - first);
                Plan p = images == chunk ? full : last;
                transformWeights(e, s, p, weights);
                try (memory srcUser = new memory(new memory.desc(new long[]{images, ic, h, w}, memory.data_type.f32,
                        plain), e, address(in, first * ic * h * w));
                     memory dstUser = new memory(new memory.desc(new long[]{images, oc, h, w}, memory.data_type.f32,
                             plain), e, address(out, first * oc * h * w));
                     memory src = new memory(p.pd.src_desc(), e,
                             BUFFERS.get().get(0, p.pd.src_desc().get_size()));
                     memory dst = new memory(p.pd.dst_desc(), e,
                             BUFFERS.get().get(1, p.pd.dst_desc().get_size()));
                     IntMemoryMap args = new IntMemoryMap()) {
                    reorder(e, s, srcUser, src);
                    args.put(dnnl.DNNL_ARG_SRC, src);
                    args.put(dnnl.DNNL_ARG_WEIGHTS, p.weights);
                    args.put(dnnl.DNNL_ARG_BIAS, biasMem);
                    args.put(dnnl.DNNL_ARG_DST, dst);
                    execute(e, s, p.conv, p.pd, args);
                    reorder(e, s, dst, dstUser);
                }
            }
        } finally {
            // oneDNN holds raw addresses: the arrays (copies among them) must outlive its calls
            Reference.reachabilityFence(in);
            Reference.reachabilityFence(b);
            Reference.reachabilityFence(input);
        }
        return out;
    }

    /** The plan for {@code n} images of this shape, or null where oneDNN has no Winograd kernel for it. */
    private Plan plan(engine e, long n, long ic, long oc, long h, long w, boolean relu) {
        List<Object> key = List.of(n, ic, oc, h, w, relu);
        if (plans.containsKey(key)) {
            return plans.get(key);
        }
        Plan plan;
        try {
            plan = new Plan(primitive(e, n, ic, oc, h, w, relu));
        } catch (RuntimeException refused) { // no Winograd kernel for these channel counts
            plan = null;
        }
        plans.put(key, plan);
        return plan;
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
        INDArray w4 = contiguous(weights);
        try (memory user = new memory(new memory.desc(new long[]{weights.size(0), weights.size(1), 3, 3},
                memory.data_type.f32, memory.format_tag.oihw), e, address(w4, 0))) {
            p.weights = new memory(p.pd.weights_desc(), e);
            reorder(e, s, user, p.weights);
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

    private static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }

    /**
     * The native address of a contiguous array's element {@code index} (in its own order). A view's buffer already
     * starts at the view's first element ({@code offset()} is the buffer's), so the offset is not added again.
     */
    private static Pointer address(INDArray a, long index) {
        return new Pointer(a.data().addressPointer()).getPointer(index * a.data().getElementSize());
    }
}
