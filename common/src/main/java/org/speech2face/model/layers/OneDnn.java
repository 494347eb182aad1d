package org.speech2face.model.layers;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * oneDNN called directly, through JavaCPP's preset ({@code org.bytedeco:dnnl}, loaded beside libnd4j's own copy),
 * for the primitives libnd4j does not reach or reaches badly: Winograd convolutions, batch norm's training pass on
 * channels-last maps, a convolution's backward pass. Only where the ND4J build is the oneDNN one
 * ({@link NativeBackend}): the CUDA build and a plain CPU build keep their usual paths.
 *
 * <p>Every primitive is made with the caller passing its scratchpad ({@link #ownScratchpad}): with oneDNN's default,
 * primitives made on one thread share one buffer, and two Spark tasks of an executor run on pooled threads (layers
 * whose primitives one thread made crashed when two tasks ran them at once, {@code WinogradConvolutionTest}).
 */
final class OneDnn {
    private static final Logger LOG = LoggerFactory.getLogger(OneDnn.class);
    private static final long PAGE = 4096;
    /**
     * Buffer indices of {@link #buffer}: a primitive's blocked source, destination, weights, its scratchpad, and a
     * backward pass's blocked input gradient.
     */
    static final int SOURCE = 0;
    static final int DESTINATION = 1;
    static final int WEIGHTS = 2;
    static final int SCRATCHPAD = 3;
    static final int DIFF_SOURCE = 4;

    private static volatile engine cpu;
    private static volatile boolean probed;

    /**
     * Each thread's buffers, kept and grown, never shrunk: a fresh mapping per call costs its page faults every call
     * (VGGFace's Winograd forward pass at batch 16: 1.36 s a batch that way, 1.14 s with these).
     */
    private static final ThreadLocal<Pointer[]> RAW = ThreadLocal.withInitial(() -> new Pointer[5]);
    private static final ThreadLocal<long[]> SIZES = ThreadLocal.withInitial(() -> new long[5]);

    private OneDnn() {
    }

    /** The CPU engine, shared by every layer; null where the ND4J build has no oneDNN or the library will not load. */
    static engine engine() {
        if (!probed) {
            synchronized (OneDnn.class) {
                if (!probed) {
                    cpu = create();
                    probed = true;
                }
            }
        }
        return cpu;
    }

    private static engine create() {
        if (!NativeBackend.hasOneDnn()) {
            return null;
        }
        try {
            return new engine(engine.kind.cpu, 0);
        } catch (Throwable t) { // a native library that would not load
            LOG.info("oneDNN's own library is not available here ({}); layers keep libnd4j's paths.", t.toString());
            return null;
        }
    }

    /** Attributes under which the caller passes the scratchpad (see the class comment). */
    static primitive_attr ownScratchpad() {
        primitive_attr attr = new primitive_attr();
        attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);
        return attr;
    }

    /** Runs {@code p} with {@code args} and this thread's scratchpad, if it needs one, and waits for it. */
    static void execute(engine e, stream s, primitive p, primitive_desc_base pd, IntMemoryMap args) {
        memory.desc scratch = pd.scratchpad_desc();
        try (memory scratchpad = scratch.get_size() > 0
                ? new memory(scratch, e, buffer(SCRATCHPAD, scratch.get_size())) : null) {
            if (scratchpad != null) {
                args.put(dnnl.DNNL_ARG_SCRATCHPAD, scratchpad);
            }
            p.execute(s, args);
            s._wait();
        }
    }

    /** Copies {@code from} into {@code to}, converting the layout. */
    static void reorder(engine e, stream s, memory from, memory to) {
        try (reorder.primitive_desc pd = new reorder.primitive_desc(from, to, ownScratchpad(), false);
             reorder r = new reorder(pd);
             IntMemoryMap args = new IntMemoryMap()) {
            args.put(dnnl.DNNL_ARG_FROM, from);
            args.put(dnnl.DNNL_ARG_TO, to);
            execute(e, s, r, pd, args);
        }
    }

    /**
     * This thread's buffer {@code i} ({@link #SOURCE} ... {@link #DIFF_SOURCE}) of at least {@code bytes},
     * page-aligned.
     */
    static Pointer buffer(int i, long bytes) {
        Pointer[] raw = RAW.get();
        long[] size = SIZES.get();
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

    /** A plain float memory of {@code dims} in {@code tag}'s layout over {@code a} from its element {@code index}. */
    static memory plain(engine e, long[] dims, memory.format_tag tag, INDArray a, long index) {
        return new memory(new memory.desc(dims, memory.data_type.f32, tag), e, address(a, index));
    }

    /**
     * The native address of a contiguous array's element {@code index} (in its own order). A view's buffer already
     * starts at the view's first element ({@code offset()} is the buffer's), so the offset is not added again.
     */
    static Pointer address(INDArray a, long index) {
        return new Pointer(a.data().addressPointer()).getPointer(index * a.data().getElementSize());
    }

    /** {@code a} itself when it is 'c'-ordered with default strides, else a copy that is. */
    static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }
}
