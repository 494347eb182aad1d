package org.speech2face.faceapi.weights;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Puts converted TF.js tensors into a DL4J graph's layers, refusing any shape mismatch, and folds TF's per-channel
 * affine steps (dlib's scale layers, MobileNet's inference batch norms) into the convolution before them. Folding is
 * done in double: {@code w' = w * a}, {@code b' = b * a + c} for an affine {@code y * a + c} after the convolution.
 */
public final class GraphParams {
    private GraphParams() {
    }

    /** Sets parameter {@code key} ("W", "b", ...) of layer {@code layer}. */
    public static void set(ComputationGraph graph, String layer, String key, INDArray value) {
        Layer l = graph.getLayer(layer);
        if (l == null) {
            throw new IllegalArgumentException("The graph has no layer '" + layer + "'.");
        }
        INDArray target = l.getParam(key);
        if (target == null) {
            throw new IllegalArgumentException("Layer '" + layer + "' has no parameter '" + key + "' (it has "
                    + l.paramTable().keySet() + ").");
        }
        if (isVector(target) && isVector(value) && target.length() == value.length()) {
            value = value.reshape(target.shape()); // DL4J keeps some biases as [n], others as [1, n]
        }
        if (!Arrays.equals(target.shape(), value.shape())) {
            throw new IllegalArgumentException("Weights for " + layer + "/" + key + " have shape "
                    + Arrays.toString(value.shape()) + " but the layer expects " + Arrays.toString(target.shape()) + ".");
        }
        target.assign(value.castTo(target.dataType()));
    }

    /**
     * A kernel whose last axis is the output channel (HWIO, or depthwise {@code [k, k, in, 1]} where the channel is
     * the third axis: pass {@code channelAxis}) with {@code y * a + c} folded in. Returns {kernel, bias row}.
     */
    public static INDArray[] foldAffine(TfjsTensor kernel, float[] bias, double[] a, double[] c, int channelAxis) {
        int[] s = kernel.shape();
        int channels = s[channelAxis];
        if (a.length != channels || c.length != channels || (bias != null && bias.length != channels)) {
            throw new IllegalArgumentException("Cannot fold a " + a.length + "-channel affine step into '"
                    + kernel.name() + "' " + Arrays.toString(s) + ".");
        }
        int inner = 1;
        for (int i = channelAxis + 1; i < s.length; i++) {
            inner *= s[i];
        }
        float[] v = kernel.values();
        float[] w = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            int ch = (i / inner) % channels;
            w[i] = (float) (v[i] * a[ch]);
        }
        float[] b = new float[channels];
        for (int ch = 0; ch < channels; ch++) {
            b[ch] = (float) ((bias == null ? 0.0 : bias[ch]) * a[ch] + c[ch]);
        }
        TfjsTensor folded = new TfjsTensor(kernel.name(), s, w);
        return new INDArray[] {TfLayouts.array(folded), Nd4j.create(b, new long[] {1, channels}, 'c')
                .castTo(DataType.FLOAT)};
    }

    private static boolean isVector(INDArray a) {
        return a.rank() == 1 || (a.rank() == 2 && a.size(0) == 1);
    }

    public static double[] doubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
