package org.speech2face.faceapi.weights;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * TensorFlow's weight layouts mapped to DL4J's. TF stores a convolution kernel as HWIO {@code [kH, kW, in, out]},
 * a depthwise kernel as {@code [kH, kW, in, 1]} and a dense matrix as {@code [in, out]}; DL4J's convolution wants
 * OIHW {@code [out, in, kH, kW]}, its separable convolution's depthwise part {@code [1, in, kH, kW]}, its depthwise
 * convolution the TF layout as it is, and its dense layer {@code [in, out]}.
 */
public final class TfLayouts {
    private TfLayouts() {
    }

    /** A TF HWIO kernel (or a depthwise {@code [k, k, in, 1]} one) as DL4J's OIHW. */
    public static INDArray hwioToOihw(TfjsTensor t) {
        requireRank(t, 4);
        return array(t).permute(3, 2, 0, 1).dup('c');
    }

    /** A depthwise kernel {@code [k, k, in, 1]} in the layout of DL4J's DepthwiseConvolution2D (the same). */
    public static INDArray depthwise(TfjsTensor t) {
        requireRank(t, 4);
        if (t.shape()[3] != 1) {
            throw new IllegalArgumentException("Tensor '" + t.name() + "' is not a depthwise kernel with multiplier 1: "
                    + java.util.Arrays.toString(t.shape()) + ".");
        }
        return array(t);
    }

    /** A dense matrix {@code [in, out]} (DL4J's layout too). */
    public static INDArray dense(TfjsTensor t) {
        requireRank(t, 2);
        return array(t);
    }

    /** A vector as DL4J's {@code [1, n]} bias row. */
    public static INDArray row(TfjsTensor t) {
        requireRank(t, 1);
        return Nd4j.create(t.values(), new long[] {1, t.shape()[0]}, 'c').castTo(DataType.FLOAT);
    }

    /** The tensor as an array of its own shape. */
    public static INDArray array(TfjsTensor t) {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.shape()[i];
        }
        return Nd4j.create(t.values(), shape, 'c').castTo(DataType.FLOAT);
    }

    private static void requireRank(TfjsTensor t, int rank) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException("Tensor '" + t.name() + "' has rank " + t.rank() + " "
                    + java.util.Arrays.toString(t.shape()) + " but a rank-" + rank + " tensor was expected.");
        }
    }
}
