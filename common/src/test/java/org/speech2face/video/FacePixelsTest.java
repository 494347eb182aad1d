package org.speech2face.video;

import org.junit.jupiter.api.Test;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Pixels checked against Java's own PNG codec and an area-average resize written out here. */
class FacePixelsTest {
    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static BufferedImage noise(int side, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    @Test
    void anImageAtTheModelSizeKeepsEveryPixelInRgbPlanes() throws Exception {
        BufferedImage img = noise(64, 1);
        float[] p = FacePixels.rgbChannelsFirst(png(img), 64);
        assertThat(p).hasSize(3 * 64 * 64);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int rgb = img.getRGB(x, y);
                int i = y * 64 + x;
                assertThat(p[i]).isEqualTo(((rgb >> 16) & 0xFF) / 255f);
                assertThat(p[4096 + i]).isEqualTo(((rgb >> 8) & 0xFF) / 255f);
                assertThat(p[8192 + i]).isEqualTo((rgb & 0xFF) / 255f);
            }
        }
    }

    /** 224 -> 64 is a factor of 3.5: each output pixel averages the source area it covers, with partial pixels. */
    @Test
    void shrinkingAveragesTheCoveredArea() throws Exception {
        BufferedImage img = noise(224, 2);
        float[] p = FacePixels.rgbChannelsFirst(png(img), 64);
        float[] expected = AreaResizeReference.rgbChannelsFirst(img, 64);
        double maxErr = 0;
        for (int i = 0; i < p.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(p[i] - expected[i]));
        }
        assertThat(maxErr).isLessThanOrEqualTo(0.51 / 255); // OpenCV rounds to 8 bits
    }

    @Test
    void bytesThatAreNoImageAreRejectedAsUndecodable() throws Exception {
        byte[] good = png(noise(32, 3));
        for (byte[] bad : new byte[][] {"not a png at all".getBytes(), new byte[0], Arrays.copyOf(good, 20)}) {
            assertThatThrownBy(() -> FacePixels.rgbChannelsFirst(bad, 64)).isInstanceOf(RejectException.class)
                    .satisfies(e -> assertThat(((RejectException) e).reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE))
                    .hasMessageContaining(bad.length + " bytes");
        }
    }

    @Test
    void growingASmallImageInterpolates() throws Exception {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 4; i++) {
            img.setRGB(i % 2, i / 2, 0x808080);
        }
        float[] p = FacePixels.rgbChannelsFirst(png(img), 8);
        for (float v : p) {
            assertThat(v).isCloseTo(128 / 255f, within(1e-6f));
        }
    }
}
