package org.speech2face.video;

/**
 * One row of the {@code faces} dataset, minus its keys: the square face crop of a segment and where it came from.
 * The bbox is the square actually cut out (after margin and squaring, before resizing), in source pixels; it may
 * reach outside the frame, where the crop is black.
 *
 * @param frameTimeS time in seconds of the frame the crop was cut from
 * @param detector   {@code haar} (or another {@link FaceDetector}'s name), or {@code hint} for a hint-only crop
 * @param score      the detection's score (see {@link FaceBox#score()}); 0 for a hint-only crop
 * @param png        PNG bytes of an outputSize x outputSize, 8-bit RGB image (the array is not copied)
 */
public record FaceCrop(
        double frameTimeS,
        int bboxX,
        int bboxY,
        int bboxW,
        int bboxH,
        String detector,
        double score,
        byte[] png,
        int sourceW,
        int sourceH) {

    public static final String DETECTOR_HAAR = "haar";
    public static final String DETECTOR_HINT = "hint";

    /** The square crop region as a box, for overlap tests. */
    public FaceBox bbox() {
        return new FaceBox(bboxX, bboxY, bboxW, bboxH, score);
    }
}
