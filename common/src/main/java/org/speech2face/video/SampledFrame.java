package org.speech2face.video;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded video frame, owned by the caller, who closes it to free its native pixels at once rather than when
 * the garbage collector notices (frames are megabytes of native memory the JVM heap does not count).
 *
 * @param timeS presentation time of the frame in seconds from the start of the media
 * @param bgr   8-bit, 3-channel BGR pixels, OpenCV's order; a private copy, not the grabber's reused buffer
 */
public record SampledFrame(double timeS, Mat bgr) implements AutoCloseable {

    public int width() {
        return bgr.cols();
    }

    public int height() {
        return bgr.rows();
    }

    @Override
    public void close() {
        bgr.close();
    }
}
