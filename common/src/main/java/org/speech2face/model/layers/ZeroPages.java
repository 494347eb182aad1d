package org.speech2face.model.layers;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gives the memory of a frozen layer's gradient back to the operating system. DL4J allocates and zeroes a gradient
 * view for every parameter, frozen ones included: in the decoder's training graph that is VGGFace's 134 million
 * parameters, 0.54 GB of zeros that stay zeros. {@code madvise(MADV_DONTNEED)} on those pages returns them; reading
 * them afterwards gives zeros (the values they had) from the kernel's shared zero page without making them resident
 * again. A write would only bring the memory back, never change a value, so the frozen layers here simply never
 * write their views ({@link FastConvolution}, {@link FrozenDense}).
 *
 * <p>Only on Linux with ND4J's CPU backend, whose arrays are private anonymous host memory; anywhere else (the CUDA
 * build, whose gradients live on the device) nothing is done and the views stay as DL4J made them.
 */
final class ZeroPages {
    private static final int MADV_DONTNEED = 4;
    /** Released ranges are aligned inwards to this, a multiple of any Linux page size in use (4 to 64 KiB). */
    private static final long ALIGNMENT = 64 * 1024;
    private static final boolean AVAILABLE = available();

    private ZeroPages() {
    }

    /**
     * Sets {@code zeros} (a contiguous array) to zero and returns the memory of the whole pages inside it to the
     * operating system where that is possible. Returns the bytes returned: 0 where it is not possible, or for an
     * array smaller than a page.
     */
    static long release(INDArray zeros) {
        if (zeros == null || zeros.isEmpty()) {
            return 0;
        }
        zeros.assign(0); // the edges share pages with whatever lies beside the view, so they keep their memory
        if (!AVAILABLE || zeros.elementWiseStride() != 1 || zeros.data().address() == 0) {
            return 0;
        }
        long size = zeros.data().getElementSize();
        long start = zeros.data().address() + zeros.offset() * size;
        long from = (start + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        long to = (start + zeros.length() * size) / ALIGNMENT * ALIGNMENT;
        if (to <= from || LibC.madvise(new Pointer(from), to - from, MADV_DONTNEED) != 0) {
            return 0;
        }
        return to - from;
    }

    private static boolean available() {
        try {
            return Platform.isLinux() && Platform.is64Bit() && !Boolean.getBoolean("s2f.zeropages.disable")
                    && "CPU".equalsIgnoreCase(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"))
                    && LibC.loaded();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** The one C library function needed, bound directly (JNA comes with DL4J, through OSHI). */
    private static final class LibC {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        static boolean loaded() {
            return true;
        }

        static native int madvise(Pointer address, long length, int advice);
    }
}
