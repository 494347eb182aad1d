package org.speech2face.video;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Turns a stored face crop (PNG bytes from faces/) into the pixels a network reads: RGB in [0, 1], channels first,
 * at the model's side. The crops are 224x224 while the tiny profile's VGGFace reads 64x64, so the image is resized
 * here, with area averaging when shrinking (no aliasing) and bilinear interpolation when growing.
 */
public final class FacePixels {
    private FacePixels() {
    }

    /**
     * Decodes {@code image} (PNG, or any format OpenCV reads) to {@code float[3 * side * side]}: R plane, G plane,
     * B plane, each row-major, values {@code byte / 255}.
     *
     * @throws RejectException with {@link RejectReason#UNDECODABLE_IMAGE} when the bytes are not an image
     */
    public static float[] rgbChannelsFirst(byte[] image, int side) throws RejectException {
        if (side < 1) {
            throw new IllegalArgumentException("Face side must be at least 1 pixel; got " + side + ".");
        }
        if (image == null || image.length == 0) {
            throw new RejectException(RejectReason.UNDECODABLE_IMAGE, "The face image is empty (0 bytes).");
        }
        try (BytePointer bytes = new BytePointer(image);
             Mat raw = new Mat(1, image.length, CV_8UC1, bytes);
             Mat bgr = decode(raw, image);
             Mat sized = new Mat()) {
            if (bgr == null || bgr.empty()) {
                throw new RejectException(RejectReason.UNDECODABLE_IMAGE, "The face image (" + image.length
                        + " bytes, starting " + hexStart(image) + ") is not a PNG or other image OpenCV can decode.");
            }
            Mat src = bgr;
            if (bgr.cols() != side || bgr.rows() != side) {
                boolean shrink = bgr.cols() > side || bgr.rows() > side;
                try (Size size = new Size(side, side)) {
                    resize(bgr, sized, size, 0, 0, shrink ? INTER_AREA : INTER_LINEAR);
                }
                src = sized;
            }
            byte[] bgrBytes = new byte[side * side * 3];
            Mat cont = src.isContinuous() ? src : src.clone();
            try {
                cont.data().get(bgrBytes);
            } finally {
                if (cont != src) {
                    cont.close();
                }
            }
            return toRgbPlanes(bgrBytes, side);
        }
    }

    private static Mat decode(Mat raw, byte[] image) throws RejectException {
        try {
            return imdecode(raw, IMREAD_COLOR);
        } catch (RuntimeException e) { // OpenCV throws on some malformed headers instead of returning nothing
            throw new RejectException(RejectReason.UNDECODABLE_IMAGE, "The face image (" + image.length
                    + " bytes, starting " + hexStart(image) + ") could not be decoded: " + e.getMessage(), e);
        }
    }

    /** Interleaved BGR bytes to RGB planes in [0, 1]. */
    static float[] toRgbPlanes(byte[] bgr, int side) {
        int plane = side * side;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            out[i] = (bgr[3 * i + 2] & 0xFF) / 255f;
            out[plane + i] = (bgr[3 * i + 1] & 0xFF) / 255f;
            out[2 * plane + i] = (bgr[3 * i] & 0xFF) / 255f;
        }
        return out;
    }

    private static String hexStart(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return "0x" + s;
    }
}
