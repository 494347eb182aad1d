package org.speech2face.data;

import org.speech2face.contracts.FloatTensorCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * NumPy's {@code .npy} format (version 1.0) for little-endian float32 tensors, so that a notebook reads a spectrogram
 * with {@code numpy.load} alone: Debian ships no Parquet reader for Python. The payload is exactly the bytes of
 * {@link FloatTensorCodec}, so exporting a tensor column is a header plus a copy.
 */
public final class NpyFormat {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    /** NumPy pads the header so the data starts on a 64-byte boundary. */
    private static final int ALIGN = 64;

    private NpyFormat() {
    }

    /** A whole {@code .npy} file: header, then {@code leFloat32} (row-major, C order) unchanged. */
    public static byte[] float32(byte[] leFloat32, int... shape) {
        if (leFloat32 == null) {
            throw new IllegalArgumentException("Tensor bytes are null for shape " + Arrays.toString(shape) + ".");
        }
        long elements = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor shape " + Arrays.toString(shape) + " has a negative dimension.");
            }
            elements *= d;
        }
        if (elements * Float.BYTES != leFloat32.length) {
            throw new IllegalArgumentException("Tensor of " + leFloat32.length + " bytes does not hold shape "
                    + Arrays.toString(shape) + " (" + elements * Float.BYTES + " bytes expected).");
        }
        byte[] header = header("<f4", shape);
        byte[] out = Arrays.copyOf(header, header.length + leFloat32.length);
        System.arraycopy(leFloat32, 0, out, header.length, leFloat32.length);
        return out;
    }

    /** Magic, version, header length and the padded dictionary NumPy writes for this dtype and shape. */
    static byte[] header(String descr, int... shape) {
        StringBuilder tuple = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            tuple.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        tuple.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        String text = dict + " ".repeat(padding) + "\n";
        if (text.length() > 0xFFFF) {
            throw new IllegalArgumentException("A shape of " + shape.length + " dimensions does not fit a version 1.0 header.");
        }
        byte[] out = new byte[MAGIC.length + 2 + text.length()];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[MAGIC.length] = (byte) (text.length() & 0xFF);
        out[MAGIC.length + 1] = (byte) (text.length() >>> 8);
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, out, MAGIC.length + 2, ascii.length);
        return out;
    }
}
