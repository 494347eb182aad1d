package org.speech2face.model.layers;

import java.util.Objects;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * face-api's input handling for the dlib face descriptor, inside a DL4J graph and differentiable: a square RGB face in
 * [0, 1] (NCHW, what the face decoder draws and face crops decode to) is resized to the descriptor's side with TF's
 * bilinear resize (no corner alignment, no half-pixel centres, as face-api's {@code NetInput.toBatchTensor}), then
 * normalised as face-api does, {@code (255 x - mean RGB) / 255}. Being in the graph, a generated face reaches the
 * frozen descriptor exactly as a real one does, and its gradient flows back to the decoder.
 *
 * <p>Bilinear resizing is linear and separable: {@code Y = Rh X Rw^T} per channel, with {@code R[o][floor(s)] += 1 - f},
 * {@code R[o][min(ceil(s), in - 1)] += f} for {@code s = o * in / out}, {@code f = s - floor(s)}; the backward pass
 * is {@code Rh^T dY Rw}. A face that already has the side is only normalised (face-api does not resize it).
 */
public class DescriptorPreprocess extends ParameterlessLayer {
    /** The RGB means face-api subtracts before dividing by 255. */
    public static final double[] MEAN_RGB = {122.782, 117.001, 104.298};

    @JsonProperty
    private int side;

    /** For Jackson. */
    protected DescriptorPreprocess() {
    }

    /** @param side the descriptor's input side (150 for dlib's network) */
    public DescriptorPreprocess(int side) {
        if (side < 1) {
            throw new IllegalArgumentException("The descriptor's input side must be positive, got " + side + ".");
        }
        this.side = side;
    }

    public int getSide() {
        return side;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c) || c.getChannels() != 3
                || c.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("The descriptor's preprocessing needs a 3-channel NCHW face, got "
                    + inputType + ".");
        }
        return InputType.convolutional(side, side, 3);
    }

    @Override
    org.deeplearning4j.nn.api.Layer newRuntime(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    /**
     * TF's bilinear resize from {@code in} to {@code out} samples as an {@code [out, in]} matrix (rows sum to 1), in
     * double: the interpolation weights face-api's JavaScript computes per output pixel.
     */
    public static double[][] resizeMatrix(int in, int out) {
        double[][] r = new double[out][in];
        double ratio = (double) in / out;
        for (int o = 0; o < out; o++) {
            double s = ratio * o;
            int lo = (int) Math.max(0, Math.floor(s));
            int hi = (int) Math.min(in - 1, Math.ceil(s));
            double f = s - lo;
            r[o][lo] += 1 - f;
            r[o][hi] += f;
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DescriptorPreprocess d && super.equals(o) && side == d.side;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), side);
    }

    static final class Runtime extends ParameterlessLayer.Runtime<DescriptorPreprocess> {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private static INDArray channel(INDArray a, int c) {
            return a.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all());
        }

        /** {@link #resizeMatrix} transposed ({@code [in, out]}) in {@code type}. */
        private static INDArray transposed(int in, int out, DataType type) {
            return Nd4j.create(resizeMatrix(in, out)).castTo(type).transpose().dup('c');
        }

        /** {@code [n, a, b]} with each {@code [a, b]} slice transposed, made contiguous. */
        private static INDArray swap(INDArray x, long n, long a, long b) {
            return x.reshape('c', n, a, b).permute(0, 2, 1).dup('c');
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            if (input.rank() != 4 || input.size(1) != 3) {
                throw new IllegalArgumentException("The descriptor's preprocessing needs [N, 3, H, W] faces in [0, 1],"
                        + " got shape " + java.util.Arrays.toString(input.shape()) + ".");
            }
            int side = layerConf().getSide();
            long batch = input.size(0);
            long n = batch * 3;
            int h = (int) input.size(2);
            int w = (int) input.size(3);
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                    new long[] {batch, 3, side, side}, 'c');
            if (h == side && w == side) {
                out.assign(input);
            } else {
                INDArray x = input.dup('c');
                // along the width: [n*h, w] x [w, side]; then along the height on the transposed slices
                INDArray t = x.reshape('c', n * h, w).mmul(transposed(w, side, x.dataType()));
                INDArray u = swap(t, n, h, side).reshape('c', n * side, h).mmul(transposed(h, side, x.dataType()));
                out.assign(swap(u, n, side, side).reshape('c', batch, 3, side, side));
            }
            for (int c = 0; c < 3; c++) {
                channel(out, c).subi(MEAN_RGB[c] / 255.0);
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            int side = layerConf().getSide();
            long batch = input.size(0);
            long n = batch * 3;
            int h = (int) input.size(2);
            int w = (int) input.size(3);
            INDArray back = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                    input.shape(), 'c');
            if (h == side && w == side) {
                back.assign(epsilon);
            } else {
                INDArray e = epsilon.dup('c');
                INDArray rw = transposed(w, side, e.dataType()).transpose();
                INDArray rh = transposed(h, side, e.dataType()).transpose();
                INDArray a = e.reshape('c', n * side, side).mmul(rw); // [n*side(h), w]
                INDArray b = swap(a, n, side, w).reshape('c', n * w, side).mmul(rh); // [n*w, h]
                back.assign(swap(b, n, w, h).reshape('c', batch, 3, h, w));
            }
            return new Pair<>(new DefaultGradient(), back);
        }
    }
}
