package org.speech2face.faceapi;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * face-api's {@code NetInput.toBatchTensor}: each image is zero-padded to a square (centred, or on the right/bottom
 * only), resized to the network's side with TF's bilinear resize (no corner alignment, no half-pixel centres) unless
 * it already has that side, and stacked. The result is channels first, {@code [n, 3, side, side]}, in pixel units
 * (0..255); each network applies its own normalisation.
 */
public final class FaceApiInput {
    private FaceApiInput() {
    }

    /** The batch tensor of {@code images} at {@code side}, padded centred ({@code centre}) or bottom-right. */
    public static INDArray batch(List<RgbImage> images, int side, boolean centre) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("A batch needs at least one image.");
        }
        float[] all = new float[images.size() * 3 * side * side];
        int plane = side * side;
        for (int i = 0; i < images.size(); i++) {
            float[] hwc = squareResized(images.get(i), side, centre);
            int base = i * 3 * plane;
            for (int p = 0; p < plane; p++) {
                all[base + p] = hwc[3 * p];
                all[base + plane + p] = hwc[3 * p + 1];
                all[base + 2 * plane + p] = hwc[3 * p + 2];
            }
        }
        return Nd4j.create(all, new long[] {images.size(), 3, side, side}, 'c').castTo(DataType.FLOAT);
    }

    /** One image padded to a square and resized to {@code side}: interleaved RGB floats, row-major. */
    static float[] squareResized(RgbImage image, int side, boolean centre) {
        int w = image.width();
        int h = image.height();
        int s = Math.max(w, h);
        int diff = s - Math.min(w, h);
        // padToSquare appends round(diff / 2) (JavaScript rounds halves up) and prepends the rest when centring.
        int before = centre ? diff - (int) Math.floor(diff * 0.5 + 0.5) : 0;
        int offX = w < h ? before : 0;
        int offY = h < w ? before : 0;
        float[] square = new float[3 * s * s];
        byte[] px = image.rgb();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int src = 3 * (y * w + x);
                int dst = 3 * ((y + offY) * s + x + offX);
                square[dst] = px[src] & 0xFF;
                square[dst + 1] = px[src + 1] & 0xFF;
                square[dst + 2] = px[src + 2] & 0xFF;
            }
        }
        return s == side ? square : resizeBilinear(square, s, s, side, side);
    }

    /** TF.js's CPU {@code resizeBilinear(alignCorners=false, halfPixelCenters=false)}, in its order of operations. */
    static float[] resizeBilinear(float[] src, int oldH, int oldW, int newH, int newW) {
        float[] out = new float[3 * newH * newW];
        double rowRatio = (double) oldH / newH;
        double colRatio = (double) oldW / newW;
        int o = 0;
        for (int r = 0; r < newH; r++) {
            double fr = rowRatio * r;
            int r0 = (int) Math.max(0, Math.floor(fr));
            double rowFrac = fr - r0;
            int r1 = (int) Math.min(oldH - 1, Math.ceil(fr));
            for (int c = 0; c < newW; c++) {
                double fc = colRatio * c;
                int c0 = (int) Math.max(0, Math.floor(fc));
                double colFrac = fc - c0;
                int c1 = (int) Math.min(oldW - 1, Math.ceil(fc));
                for (int d = 0; d < 3; d++) {
                    double tl = src[3 * (r0 * oldW + c0) + d];
                    double tr = src[3 * (r0 * oldW + c1) + d];
                    double bl = src[3 * (r1 * oldW + c0) + d];
                    double br = src[3 * (r1 * oldW + c1) + d];
                    double top = tl + (tr - tl) * colFrac;
                    double bottom = bl + (br - bl) * colFrac;
                    out[o++] = (float) (top + (bottom - top) * rowFrac);
                }
            }
        }
        return out;
    }

    /** {@code (x - mean[c]) / divisor} per channel, in float32 as TF.js computes {@code sub} then {@code div}. */
    public static INDArray normalise(INDArray rgb, double[] mean, double divisor) {
        INDArray out = rgb.castTo(DataType.FLOAT).dup('c');
        for (int c = 0; c < 3; c++) {
            INDArray ch = out.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(),
                    NDArrayIndex.all());
            ch.subi((float) mean[c]);
        }
        return out.divi((float) divisor);
    }

    /** @throws IllegalArgumentException unless {@code rgb} is {@code [n, 3, side, side]} */
    public static void requireShape(INDArray rgb, int side) {
        long[] s = rgb.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != side || s[3] != side) {
            throw new IllegalArgumentException("The network reads [n, 3, " + side + ", " + side + "] RGB pixels; got "
                    + java.util.Arrays.toString(s) + ".");
        }
    }
}
