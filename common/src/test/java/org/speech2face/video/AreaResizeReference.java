package org.speech2face.video;

import java.awt.image.BufferedImage;

/**
 * A plain re-statement of area-average resizing (each output pixel is the mean of the source area it covers, partial
 * pixels weighted by their overlap), as RGB planes in [0, 1]: the independent reference for {@link FacePixels}.
 */
public final class AreaResizeReference {
    private AreaResizeReference() {
    }

    /** {@code img} shrunk to {@code side} x {@code side}, as {@code float[3 * side * side]} R, G, B planes. */
    public static float[] rgbChannelsFirst(BufferedImage img, int side) {
        double sx = img.getWidth() / (double) side;
        double sy = img.getHeight() / (double) side;
        float[] out = new float[3 * side * side];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    double sum = 0;
                    for (int py = (int) Math.floor(y * sy); py < Math.ceil((y + 1) * sy); py++) {
                        double wy = Math.min(py + 1, (y + 1) * sy) - Math.max(py, y * sy);
                        for (int px = (int) Math.floor(x * sx); px < Math.ceil((x + 1) * sx); px++) {
                            double wx = Math.min(px + 1, (x + 1) * sx) - Math.max(px, x * sx);
                            sum += wx * wy * ((img.getRGB(px, py) >> shift) & 0xFF);
                        }
                    }
                    out[c * side * side + y * side + x] = (float) (sum / (sx * sy) / 255.0);
                }
            }
        }
        return out;
    }
}
