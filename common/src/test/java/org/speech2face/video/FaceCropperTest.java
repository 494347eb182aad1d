package org.speech2face.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;

/** The selection rule and crop geometry, on frames and detections given directly. */
class FaceCropperTest {
    private final FaceCropper cropper = new FaceCropper(FaceCropSpec.DEFAULT);

    @Test
    void widensTheBoxByTheMarginOnEachSideAroundItsCentre() throws Exception {
        try (SampledFrame frame = new SampledFrame(1.25, FaceFixtures.gradient(640, 480))) {
            FaceBox box = new FaceBox(100, 100, 80, 80, 17);
            FaceCrop crop = cropper.crop("clip.mp4", List.of(frame), List.of(List.of(box)), 140 / 640.0, 140 / 480.0);
            // Side 80 * (1 + 2 * 0.25) = 120 around the centre (140, 140).
            assertThat(crop.bbox()).isEqualTo(new FaceBox(80, 80, 120, 120, 17));
            assertThat(crop.detector()).isEqualTo("haar");
            assertThat(crop.frameTimeS()).isEqualTo(1.25);
            assertThat(crop.sourceW()).isEqualTo(640);
            assertThat(crop.sourceH()).isEqualTo(480);
            BufferedImage png = decode(crop);
            assertThat(png.getWidth()).isEqualTo(224);
            assertThat(png.getHeight()).isEqualTo(224);
            assertThat(png.getColorModel().getNumComponents()).isEqualTo(3);
            assertThat(png.getColorModel().hasAlpha()).isFalse();
        }
    }

    @Test
    void keepsTheSquaresMeanColourWhenShrinking() throws Exception {
        try (SampledFrame frame = new SampledFrame(0, FaceFixtures.gradient(640, 480))) {
            FaceBox box = new FaceBox(200, 150, 160, 160, 9);
            FaceCrop crop = cropper.crop("clip.mp4", List.of(frame), List.of(List.of(box)), 280 / 640.0, 230 / 480.0);
            FaceBox sq = crop.bbox();
            // Reference: the mean of the source square, summed pixel by pixel in Java.
            byte[] px = new byte[640 * 480 * 3];
            frame.bgr().data().get(px);
            double[] sum = new double[3];
            for (int y = sq.y(); y < sq.y() + sq.h(); y++) {
                for (int x = sq.x(); x < sq.x() + sq.w(); x++) {
                    for (int c = 0; c < 3; c++) {
                        sum[c] += px[(y * 640 + x) * 3 + c] & 0xFF;
                    }
                }
            }
            double n = (double) sq.w() * sq.h();
            double[] rgb = meanRgb(decode(crop));
            assertThat(rgb[0]).isCloseTo(sum[2] / n, within(1.0));
            assertThat(rgb[1]).isCloseTo(sum[1] / n, within(1.0));
            assertThat(rgb[2]).isCloseTo(sum[0] / n, within(1.0));
        }
    }

    @Test
    void writesRedAsRedAndBlueAsBlue() throws Exception {
        // OpenCV holds BGR; the PNG must hold RGB.
        Mat bgr = new Mat(200, 200, opencv_core.CV_8UC3, new Scalar(0, 0, 255, 0));
        try (Mat right = new Mat(bgr, new Rect(100, 0, 100, 200))) {
            right.put(new Scalar(255, 0, 0, 0));
        }
        try (SampledFrame frame = new SampledFrame(0, bgr)) {
            FaceCrop crop = cropper.crop("clip.mp4", List.of(frame), List.of(List.of(new FaceBox(60, 60, 80, 80, 5))),
                    0.5, 0.5);
            BufferedImage png = decode(crop);
            assertThat(png.getRGB(20, 112)).isEqualTo(0xFFFF0000);
            assertThat(png.getRGB(200, 112)).isEqualTo(0xFF0000FF);
        }
    }

    @Test
    void padsWithBlackWhereTheSquareLeavesTheFrame() throws Exception {
        try (SampledFrame frame = new SampledFrame(0, new Mat(240, 320, opencv_core.CV_8UC3, Scalar.all(255)))) {
            FaceCrop crop = cropper.crop("clip.mp4", List.of(frame), List.of(List.of(new FaceBox(0, 0, 40, 40, 5))),
                    20 / 320.0, 20 / 240.0);
            assertThat(crop.bbox()).isEqualTo(new FaceBox(-10, -10, 60, 60, 5));
            BufferedImage png = decode(crop);
            // The first 10 of 60 source rows and columns are outside: about 37 of 224 output pixels.
            assertThat(png.getRGB(10, 10)).isEqualTo(0xFF000000);
            assertThat(png.getRGB(10, 150)).isEqualTo(0xFF000000);
            assertThat(png.getRGB(150, 10)).isEqualTo(0xFF000000);
            assertThat(png.getRGB(150, 150)).isEqualTo(0xFFFFFFFF);
        }
    }

    @Test
    void measuresHintDistanceInBoxSidesSoALargeFaceFartherInPixelsCanWin() throws Exception {
        try (SampledFrame frame = new SampledFrame(0, FaceFixtures.gradient(640, 480))) {
            FaceBox large = new FaceBox(0, 0, 200, 200, 5);      // centre (100, 100)
            FaceBox small = new FaceBox(300, 80, 40, 40, 5);     // centre (320, 100)
            // The hint (250, 100) is 150 px (0.75 sides) from the large face, 70 px (1.75 sides) from the small one.
            FaceCrop crop = cropper.crop("clip.mp4", List.of(frame), List.of(List.of(small, large)),
                    250 / 640.0, 100 / 480.0);
            assertThat(crop.bbox().centreX()).isEqualTo(100.0);
        }
    }

    @Test
    void choosesTheNearestDetectionAcrossFramesThenTheLargerOne() throws Exception {
        try (SampledFrame f0 = new SampledFrame(0.5, FaceFixtures.gradient(640, 480));
             SampledFrame f1 = new SampledFrame(1.5, FaceFixtures.gradient(640, 480));
             SampledFrame f2 = new SampledFrame(2.5, FaceFixtures.gradient(640, 480))) {
            double hx = 320 / 640.0;
            double hy = 240 / 480.0;
            FaceBox offCentre = new FaceBox(290, 200, 80, 80, 30);  // centre (330, 240): 0.125 sides away
            FaceBox centred = new FaceBox(280, 200, 80, 80, 6);     // centre (320, 240): on the hint
            FaceBox centredLarger = new FaceBox(270, 190, 100, 100, 6);
            FaceCrop nearest = cropper.crop("clip.mp4", List.of(f0, f1), List.of(List.of(offCentre), List.of(centred)),
                    hx, hy);
            assertThat(nearest.frameTimeS()).isEqualTo(1.5);
            FaceCrop larger = cropper.crop("clip.mp4", List.of(f0, f1, f2),
                    List.of(List.of(centred), List.of(centredLarger), List.of(centred)), hx, hy);
            assertThat(larger.frameTimeS()).isEqualTo(1.5);
            assertThat(larger.bboxW()).isEqualTo(150);
            FaceCrop earlier = cropper.crop("clip.mp4", List.of(f0, f1), List.of(List.of(centred), List.of(centred)),
                    hx, hy);
            assertThat(earlier.frameTimeS()).isEqualTo(0.5);
        }
    }

    @Test
    void rejectsWithNoFaceWhenEveryDetectionIsFarFromTheHint() {
        try (SampledFrame f0 = new SampledFrame(0.5, FaceFixtures.gradient(640, 480));
             SampledFrame f1 = new SampledFrame(1.5, FaceFixtures.gradient(640, 480))) {
            FaceBox left = new FaceBox(20, 200, 80, 80, 12);
            assertThatThrownBy(() -> cropper.crop("clip.mp4", List.of(f0, f1), List.of(List.of(left), List.of()),
                    0.75, 0.5))
                    .isInstanceOfSatisfying(RejectException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.NO_FACE))
                    .hasMessageContaining("clip.mp4")
                    .hasMessageContaining("(0.750, 0.500)")
                    .hasMessageContaining("1 faces seen on 2 sampled frames")
                    .hasMessageContaining("1 at 0.50 s (20,200,80,80)")
                    .hasMessageContaining("0 at 1.50 s");
        }
    }

    @Test
    void aHintOnlyCropIsASquareAroundTheHintOnTheMiddleFrame() throws Exception {
        FaceCropper hintOnly = new FaceCropper(FaceCropSpec.DEFAULT.withHintOnlyCrop(true));
        try (SampledFrame f0 = new SampledFrame(0.5, FaceFixtures.gradient(640, 480));
             SampledFrame f1 = new SampledFrame(1.5, FaceFixtures.gradient(640, 480));
             SampledFrame f2 = new SampledFrame(2.5, FaceFixtures.gradient(640, 480))) {
            FaceCrop crop = hintOnly.crop("clip.mp4", List.of(f0, f1, f2), List.of(List.of(), List.of(), List.of()),
                    0.25, 0.5);
            // Side 0.5 * 480 = 240 around (160, 240).
            assertThat(crop.bbox()).isEqualTo(new FaceBox(40, 120, 240, 240, 0));
            assertThat(crop.detector()).isEqualTo("hint");
            assertThat(crop.frameTimeS()).isEqualTo(1.5);
        }
    }

    @Test
    void refusesAHintOutsideTheFrame() {
        try (SampledFrame f = new SampledFrame(0, FaceFixtures.gradient(64, 48))) {
            assertThatThrownBy(() -> cropper.crop("clip.mp4", List.of(f), List.of(List.of()), 1.5, 0.5))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1.5, 0.5)");
        }
    }

    static BufferedImage decode(FaceCrop crop) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(crop.png()));
            assertThat(image).as("PNG decodable by ImageIO").isNotNull();
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[] meanRgb(BufferedImage image) {
        double[] sum = new double[3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                sum[0] += (p >> 16) & 0xFF;
                sum[1] += (p >> 8) & 0xFF;
                sum[2] += p & 0xFF;
            }
        }
        double n = (double) image.getWidth() * image.getHeight();
        return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
    }
}
