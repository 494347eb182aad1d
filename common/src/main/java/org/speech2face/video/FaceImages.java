package org.speech2face.video;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/**
 * Generated faces as pictures: the decoder's output (RGB in [0, 1], channels first) to a {@link BufferedImage} or
 * PNG bytes, rounding each value to the nearest of 256 levels. The inverse of {@link FacePixels} up to that
 * rounding, so a PNG written here and read back through {@code FacePixels} gives the same pixels within 1/510.
 * Pure Java2D: figures and {@code generate} need no native library for it.
 */
public final class FaceImages {
    private FaceImages() {
    }

    /** The face as an RGB image of {@code side x side}. */
    public static BufferedImage toImage(float[] rgbChannelsFirst, int side) {
        int plane = side * side;
        if (side < 1 || rgbChannelsFirst.length != 3 * plane) {
            throw new IllegalArgumentException("A " + side + "x" + side + " RGB face has " + 3 * plane
                    + " values; got " + rgbChannelsFirst.length + ".");
        }
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        int[] argb = new int[plane];
        for (int i = 0; i < plane; i++) {
            argb[i] = (level(rgbChannelsFirst[i]) << 16) | (level(rgbChannelsFirst[plane + i]) << 8)
                    | level(rgbChannelsFirst[2 * plane + i]);
        }
        image.setRGB(0, 0, side, side, argb, 0, side);
        return image;
    }

    /** The face as PNG bytes. */
    public static byte[] toPng(float[] rgbChannelsFirst, int side) {
        return png(toImage(rgbChannelsFirst, side));
    }

    /** Any image as PNG bytes. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("This JVM has no PNG writer.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode a PNG in memory.", e);
        }
        return out.toByteArray();
    }

    /** Decodes PNG (or JPEG) bytes; fails naming the size when they are not an image. */
    public static BufferedImage read(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException("The " + bytes.length + " bytes given are not an image Java2D reads.");
            }
            return image;
        } catch (IOException e) {
            throw new IllegalArgumentException("The " + bytes.length + " bytes given could not be decoded as an image: "
                    + e.getMessage(), e);
        }
    }

    private static int level(float v) {
        if (!(v >= 0)) { // NaN and negatives
            return 0;
        }
        return v >= 1 ? 255 : Math.round(v * 255f);
    }
}
