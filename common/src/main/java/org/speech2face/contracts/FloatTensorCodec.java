package org.speech2face.contracts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Little-endian float32 bytes: the body of the {@code .npy} files {@code s2f export} writes, and the descriptor of
 * evaluate's {@code clip_scores/}. The datasets' tensors are {@code array<float>} columns ({@link TensorColumn}).
 */
public final class FloatTensorCodec {
    private FloatTensorCodec() {
    }

    /** Encodes {@code values} as little-endian float32. */
    public static byte[] encode(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    /** Encodes doubles as float32, for aggregates computed in double precision. */
    public static byte[] encode(double[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            buf.putFloat((float) v);
        }
        return buf.array();
    }

    /** Decodes a tensor whose shape columns say it has {@code product(shape)} elements. */
    public static float[] decode(byte[] bytes, int... shape) {
        long expected = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor shape " + Arrays.toString(shape) + " has a negative dimension.");
            }
            expected *= d;
        }
        if (bytes == null) {
            throw new IllegalArgumentException("Tensor bytes are null for shape " + Arrays.toString(shape) + ".");
        }
        if ((long) bytes.length != expected * Float.BYTES) {
            throw new IllegalArgumentException("Tensor of " + bytes.length + " bytes does not hold shape "
                    + Arrays.toString(shape) + " (" + expected * Float.BYTES + " bytes expected).");
        }
        float[] out = new float[(int) expected];
        FloatBuffer fb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        fb.get(out);
        return out;
    }
}
