package org.speech2face.video;

import java.util.List;
import java.util.function.Predicate;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Finds faces in a BGR frame, in the frame's pixels. {@link FaceIngestor} and {@link FaceCropper} work with any
 * detector; OpenCV's Haar cascade ({@link HaarFaceDetector}) is the default.
 */
public interface FaceDetector {
    /** The name a crop records as its detector ({@link FaceCrop#detector()}). */
    String name();

    List<FaceBox> detect(Mat bgr);

    /**
     * Faces in a frame, allowed to stop early once {@code enough} accepts what was found so far (a detector that
     * searches in one pass ignores it).
     */
    default List<FaceBox> detect(Mat bgr, Predicate<List<FaceBox>> enough) {
        return detect(bgr);
    }
}
