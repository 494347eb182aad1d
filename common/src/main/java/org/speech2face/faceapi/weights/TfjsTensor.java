package org.speech2face.faceapi.weights;

import java.util.Arrays;

/**
 * One named tensor of a TensorFlow.js weights file, dequantised: values in TF's row-major order for {@code shape}.
 * Integer tensors (shapes and slice bounds the JavaScript graph carried along) are kept as floats too.
 */
public record TfjsTensor(String name, int[] shape, float[] values) {
    public TfjsTensor {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("Tensor '" + name + "' has shape " + Arrays.toString(shape) + " ("
                    + n + " values) but " + values.length + " values were given.");
        }
    }

    public int rank() {
        return shape.length;
    }

    /** @throws IllegalArgumentException naming the tensor unless its shape is exactly {@code expected} */
    public TfjsTensor requireShape(int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException("Tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " but the network expects " + Arrays.toString(expected) + ".");
        }
        return this;
    }
}
