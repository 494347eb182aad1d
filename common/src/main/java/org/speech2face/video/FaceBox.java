package org.speech2face.video;

/**
 * A face detection in source-frame pixels.
 *
 * @param score the detector's confidence; for the Haar cascade it is the number of raw sliding-window hits that were
 *              merged into this box (OpenCV's neighbour count), so it is at least the configured minNeighbors and
 *              grows with how consistently the cascade fires around the face
 */
public record FaceBox(int x, int y, int w, int h, double score) {

    public FaceBox {
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("A face box needs a positive size, got " + w + "x" + h + ".");
        }
    }

    public double centreX() {
        return x + w / 2.0;
    }

    public double centreY() {
        return y + h / 2.0;
    }

    public long area() {
        return (long) w * h;
    }

    /** Intersection over union with {@code other}: 1 for the same box, 0 for disjoint boxes. */
    public double iou(FaceBox other) {
        long ix = Math.max(0, Math.min(x + w, other.x + other.w) - Math.max(x, other.x));
        long iy = Math.max(0, Math.min(y + h, other.y + other.h) - Math.max(y, other.y));
        long inter = ix * iy;
        return inter / (double) (area() + other.area() - inter);
    }

    @Override
    public String toString() {
        return "(" + x + "," + y + "," + w + "," + h + ")";
    }
}
