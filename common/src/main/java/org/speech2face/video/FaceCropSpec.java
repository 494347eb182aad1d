package org.speech2face.video;

/**
 * How a face is found and cut out of an AVSpeech segment. The bounds of each field are those of its config key
 * ({@code ingest.faces.*}), checked once when the config is loaded; this record trusts its values.
 *
 * @param framesPerSegment  frames sampled evenly inside the segment; more frames survive blinks and profile turns
 *                          at the cost of one decode-to-frame and one detection each
 * @param margin            fraction of the detected box side added on each side before squaring, so the crop keeps
 *                          hair, chin and ears as in VGGFace's training crops
 * @param outputSize        side in pixels of the stored crop: 224 for the paper, smaller for the tiny profile
 * @param detectionMaxSide  the detector sees the frame downscaled to at most this many pixels on its longer side.
 *                          The Haar cost is set by minFaceFraction, not by this, but the smallest wanted faces
 *                          must keep enough pixels: at 480 a face a sixth of a 16:9 frame's height (43 px) is
 *                          already found unreliably, at 640 (58 px) reliably
 * @param minFaceFraction   smallest face side the detector looks for, as a fraction of the frame's shorter side;
 *                          the cascade's cost is almost all in the smallest scales, and a smaller face would make
 *                          a blurry 224 px crop anyway
 * @param maxHintDistance   how far the CSV's (x, y) hint may lie from a detection's centre, in detection box sides,
 *                          for that detection to count as the speaker
 * @param hintOnlyCrop      when no detection is near the hint, crop a square around the hint instead of rejecting
 *                          the segment with {@code no_face} (off by default: such crops often hold no face)
 * @param hintCropFraction  side of that hint-only square as a fraction of the frame's shorter side
 * @param haarScaleFactor   image pyramid step of the Haar cascade (OpenCV's detectMultiScale scaleFactor)
 * @param haarMinNeighbors  overlapping raw hits a detection needs to be kept (OpenCV's minNeighbors)
 */
public record FaceCropSpec(
        int framesPerSegment,
        double margin,
        int outputSize,
        int detectionMaxSide,
        double minFaceFraction,
        double maxHintDistance,
        boolean hintOnlyCrop,
        double hintCropFraction,
        double haarScaleFactor,
        int haarMinNeighbors) implements java.io.Serializable {

    /** The paper's 224x224 crops, three frames per segment, OpenCV's usual Haar settings. */
    public static final FaceCropSpec DEFAULT = new FaceCropSpec(3, 0.25, 224, 640, 0.1, 0.75, false, 0.5, 1.1, 5);

    /** This spec with another crop size, e.g. the tiny model profile's. */
    public FaceCropSpec withOutputSize(int size) {
        return new FaceCropSpec(framesPerSegment, margin, size, detectionMaxSide, minFaceFraction, maxHintDistance,
                hintOnlyCrop, hintCropFraction, haarScaleFactor, haarMinNeighbors);
    }

    /** This spec with the hint-only fallback switched on or off. */
    public FaceCropSpec withHintOnlyCrop(boolean enabled) {
        return new FaceCropSpec(framesPerSegment, margin, outputSize, detectionMaxSide, minFaceFraction, maxHintDistance,
                enabled, hintCropFraction, haarScaleFactor, haarMinNeighbors);
    }

    /** This spec sampling another number of frames per segment. */
    public FaceCropSpec withFramesPerSegment(int frames) {
        return new FaceCropSpec(frames, margin, outputSize, detectionMaxSide, minFaceFraction, maxHintDistance,
                hintOnlyCrop, hintCropFraction, haarScaleFactor, haarMinNeighbors);
    }
}
