package org.speech2face.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.util.Random;

import org.junit.jupiter.api.Test;

class FaceImagesTest {
    @Test
    void aPngWrittenHereReadsBackThroughFacePixelsWithinHalfALevel() throws Exception {
        int side = 16;
        Random r = new Random(8);
        float[] rgb = new float[3 * side * side];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = r.nextFloat();
        }
        rgb[0] = -0.2f; // clipped to 0
        rgb[1] = 1.7f;  // clipped to 1
        byte[] png = FaceImages.toPng(rgb, side);
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        float[] back = FacePixels.rgbChannelsFirst(png, side); // OpenCV's decoder, BGR to RGB planes
        assertThat(back[0]).isZero();
        assertThat(back[1]).isEqualTo(1f);
        for (int i = 2; i < rgb.length; i++) {
            assertThat(back[i]).isCloseTo(rgb[i], within(0.5f / 255 + 1e-6f));
        }
        BufferedImage image = FaceImages.read(png);
        assertThat(image.getWidth()).isEqualTo(side);
        int plane = side * side;
        int p = 5 * side + 7;
        int argb = image.getRGB(7, 5);
        assertThat((argb >> 16) & 0xFF).isEqualTo(Math.round(rgb[p] * 255));
        assertThat(argb & 0xFF).isEqualTo(Math.round(rgb[2 * plane + p] * 255));
    }

    @Test
    void refusesTheWrongNumberOfValuesAndBytesThatAreNoImage() {
        assertThatThrownBy(() -> FaceImages.toImage(new float[10], 4)).hasMessageContaining("48 values; got 10");
        assertThatThrownBy(() -> FaceImages.read(new byte[] {1, 2, 3})).hasMessageContaining("3 bytes");
    }
}
