package org.speech2face.faceapi.nets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * face-api's SSD output layer and {@code locateFaces}, in its order of float32 operations: box encodings decoded
 * against the anchors ({@code center + t/10 * size}, {@code exp(t/5) * size}), the face score as the sigmoid of
 * class 1, then greedy non-maximum suppression (IoU above 0.5 suppresses), the score threshold, and the boxes
 * clipped to the padded square and mapped back to the image.
 */
public final class SsdPostProcessing {
    /** Anchors: 32x32x3 + (16x16 + 8x8 + 4x4 + 2x2 + 1x1) x 6. */
    public static final int ANCHORS = 5118;
    /** face-api's default minimum confidence and result cap. */
    public static final double DEFAULT_MIN_CONFIDENCE = 0.5;
    public static final int DEFAULT_MAX_RESULTS = 100;
    private static final double IOU_THRESHOLD = 0.5;

    private SsdPostProcessing() {
    }

    /**
     * Every anchor's decoded box and face score for one image.
     *
     * @param boxes {@code [top, left, bottom, right]} per anchor, as fractions of the padded 512x512 square
     */
    public record RawDetections(float[] boxes, float[] scores) {
    }

    /** A face in image pixels (face-api's {@code FaceDetection.box}). */
    public record Detection(double score, double x, double y, double width, double height) {
    }

    static RawDetections decode(INDArray[] heads, int n, float[] anchors) {
        float[] boxes = new float[4 * ANCHORS];
        float[] scores = new float[ANCHORS];
        int k = 0;
        for (int p = 0; p < SsdMobilenetV1.PREDICTORS; p++) {
            INDArray box = heads[p];
            INDArray cls = heads[SsdMobilenetV1.PREDICTORS + p];
            int perCell = (int) box.size(1) / 4;
            int h = (int) box.size(2);
            int w = (int) box.size(3);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int a = 0; a < perCell; a++, k++) {
                        float[] t = new float[4];
                        for (int c = 0; c < 4; c++) {
                            t[c] = box.getFloat(n, 4 * a + c, y, x);
                        }
                        decodeBox(anchors, k, t, boxes);
                        scores[k] = sigmoid(cls.getFloat(n, 3 * a + 1, y, x));
                    }
                }
            }
        }
        if (k != ANCHORS) {
            throw new IllegalStateException("The box predictors produced " + k + " anchors, not " + ANCHORS + ".");
        }
        return new RawDetections(boxes, scores);
    }

    private static void decodeBox(float[] anchors, int k, float[] t, float[] out) {
        float a0 = anchors[4 * k];
        float a1 = anchors[4 * k + 1];
        float size0 = anchors[4 * k + 2] - a0;
        float size1 = anchors[4 * k + 3] - a1;
        float centre0 = a0 + size0 / 2f;
        float centre1 = a1 + size1 / 2f;
        float half0 = (float) Math.exp(t[2] / 5f) * size0 / 2f;
        float mid0 = t[0] / 10f * size0 + centre0;
        float half1 = (float) Math.exp(t[3] / 5f) * size1 / 2f;
        float mid1 = t[1] / 10f * size1 + centre1;
        out[4 * k] = mid0 - half0;
        out[4 * k + 1] = mid1 - half1;
        out[4 * k + 2] = mid0 + half0;
        out[4 * k + 3] = mid1 + half1;
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /** face-api's {@code locateFaces} on one image of {@code width x height} pixels. */
    public static List<Detection> locate(RawDetections raw, int width, int height, double minConfidence,
                                         int maxResults) {
        if (!(minConfidence > 0 && minConfidence < 1)) {
            throw new IllegalArgumentException("The detector's minimum confidence must lie strictly between 0 and 1;"
                    + " got " + minConfidence + ".");
        }
        if (maxResults < 1) {
            throw new IllegalArgumentException("The detector must be allowed at least one face; got maxResults "
                    + maxResults + ".");
        }
        List<Integer> kept = nonMaxSuppression(raw, maxResults, minConfidence);
        double scale = SsdMobilenetV1.SIDE / (double) Math.max(width, height);
        double padX = SsdMobilenetV1.SIDE / (double) Math.round(width * scale);
        double padY = SsdMobilenetV1.SIDE / (double) Math.round(height * scale);
        float[] b = raw.boxes();
        List<Detection> out = new ArrayList<>();
        for (int i : kept) {
            double top = Math.max(0, b[4 * i]) * padY;
            double bottom = Math.min(1.0, b[4 * i + 2]) * padY;
            double left = Math.max(0, b[4 * i + 1]) * padX;
            double right = Math.min(1.0, b[4 * i + 3]) * padX;
            out.add(new Detection(raw.scores()[i], left * width, top * height, (right - left) * width,
                    (bottom - top) * height));
        }
        return out;
    }

    private static List<Integer> nonMaxSuppression(RawDetections raw, int maxResults, double threshold) {
        float[] s = raw.scores();
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (s[i] > threshold) {
                candidates.add(i);
            }
        }
        candidates.sort(Comparator.comparingDouble((Integer i) -> s[i]).reversed()); // stable, as V8's sort
        int outputSize = Math.min(maxResults, s.length);
        List<Integer> selected = new ArrayList<>();
        for (int c : candidates) {
            if (selected.size() >= outputSize) {
                break;
            }
            boolean suppressed = false;
            for (int j = selected.size() - 1; j >= 0; j--) {
                double iou = iou(raw.boxes(), c, selected.get(j));
                if (iou != 0.0 && iou > IOU_THRESHOLD) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                selected.add(c);
            }
        }
        return selected;
    }

    private static double iou(float[] b, int i, int j) {
        double yMinI = Math.min(b[4 * i], b[4 * i + 2]);
        double xMinI = Math.min(b[4 * i + 1], b[4 * i + 3]);
        double yMaxI = Math.max(b[4 * i], b[4 * i + 2]);
        double xMaxI = Math.max(b[4 * i + 1], b[4 * i + 3]);
        double yMinJ = Math.min(b[4 * j], b[4 * j + 2]);
        double xMinJ = Math.min(b[4 * j + 1], b[4 * j + 3]);
        double yMaxJ = Math.max(b[4 * j], b[4 * j + 2]);
        double xMaxJ = Math.max(b[4 * j + 1], b[4 * j + 3]);
        double areaI = (yMaxI - yMinI) * (xMaxI - xMinI);
        double areaJ = (yMaxJ - yMinJ) * (xMaxJ - xMinJ);
        if (areaI <= 0 || areaJ <= 0) {
            return 0.0;
        }
        double inter = Math.max(Math.min(yMaxI, yMaxJ) - Math.max(yMinI, yMinJ), 0.0)
                * Math.max(Math.min(xMaxI, xMaxJ) - Math.max(xMinI, xMinJ), 0.0);
        return inter / (areaI + areaJ - inter);
    }
}
