package org.speech2face.faceapi;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An 8-bit RGB image, interleaved row by row ({@code rgb[3 * (y * width + x) + c]}), the form face-api's networks
 * read their pixels in before they pad, resize and normalise them.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("An image needs a positive size, got " + width + "x" + height + ".");
        }
        if (rgb.length != 3L * width * height) {
            throw new IllegalArgumentException("A " + width + "x" + height + " RGB image has " + 3L * width * height
                    + " bytes, got " + rgb.length + ".");
        }
    }

    /** The RGB pixels of an OpenCV BGR image (what JavaCV's decoders and the Haar detector use). */
    public static RgbImage fromBgr(Mat bgr) {
        if (bgr == null || bgr.empty() || bgr.channels() != 3 || bgr.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U) {
            throw new IllegalArgumentException("Expected a non-empty 8-bit 3-channel BGR image, got "
                    + (bgr == null ? "null" : bgr.cols() + "x" + bgr.rows() + "x" + bgr.channels()) + ".");
        }
        int w = bgr.cols();
        int h = bgr.rows();
        byte[] bytes = new byte[3 * w * h];
        Mat cont = bgr.isContinuous() ? bgr : bgr.clone();
        try {
            cont.data().get(bytes);
        } finally {
            if (cont != bgr) {
                cont.close();
            }
        }
        for (int i = 0; i < bytes.length; i += 3) {
            byte b = bytes[i];
            bytes[i] = bytes[i + 2];
            bytes[i + 2] = b;
        }
        return new RgbImage(w, h, bytes);
    }

    /**
     * The 8-bit image of RGB planes in [0, 1] ({@code float[3 * side * side]}, channels first, as the face decoder
     * draws faces and {@code FacePixels} decodes them), rounded to the nearest level as a PNG of it would be.
     */
    public static RgbImage fromUnitPlanes(float[] planes, int side) {
        int plane = side * side;
        if (side < 1 || planes.length != 3 * plane) {
            throw new IllegalArgumentException("A " + side + "x" + side + " RGB face has " + 3L * plane
                    + " values, got " + planes.length + ".");
        }
        byte[] rgb = new byte[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                long v = Math.round(planes[c * plane + p] * 255.0);
                rgb[3 * p + c] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return new RgbImage(side, side, rgb);
    }

    /**
     * Decodes an image file (JPEG, PNG, anything OpenCV reads).
     *
     * @throws IOException naming the file when it is missing or not an image
     */
    public static RgbImage read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("The image " + file + " does not exist.", e);
        }
        return decode(bytes, "The file " + file);
    }

    /**
     * Decodes encoded image bytes, such as a stored face crop's PNG ({@code FaceCrop.png()}).
     *
     * @param what names the bytes in the message, e.g. "The face crop of clip X"
     * @throws IOException when the bytes are not an image
     */
    public static RgbImage decode(byte[] bytes, String what) throws IOException {
        try (BytePointer p = new BytePointer(bytes); Mat raw = new Mat(1, bytes.length, CV_8UC1, p);
             Mat bgr = bytes.length == 0 ? new Mat() : imdecode(raw, IMREAD_COLOR)) {
            if (bgr.empty()) {
                throw new IOException(what + " (" + bytes.length + " bytes) is not an image OpenCV can decode.");
            }
            return fromBgr(bgr);
        }
    }

    /** The {@code w x h} region at {@code (x, y)}, copied. */
    public RgbImage crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("The region " + w + "x" + h + " at (" + x + "," + y
                    + ") does not lie inside the " + width + "x" + height + " image.");
        }
        byte[] out = new byte[3 * w * h];
        for (int r = 0; r < h; r++) {
            System.arraycopy(rgb, 3 * ((y + r) * width + x), out, 3 * r * w, 3 * w);
        }
        return new RgbImage(w, h, out);
    }
}
