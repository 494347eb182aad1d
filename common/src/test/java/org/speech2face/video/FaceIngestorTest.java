package org.speech2face.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;

/** End to end on real videos written from the test photos: decode, detect, choose, crop, encode. */
class FaceIngestorTest {
    private static final double FPS = 5;

    @TempDir
    static Path dir;
    private static Path astronaut;
    private static Path obama;
    private static Path biden;
    private static Path twoFaces;
    private static Path gradient;

    private final FaceIngestor ingestor = new FaceIngestor(FaceCropSpec.DEFAULT);

    @BeforeAll
    static void writeVideos() {
        astronaut = still("astronaut.mp4", FaceFixtures.photo("astronaut.jpg"));
        obama = still("obama.mp4", FaceFixtures.photo("obama.jpg"));
        biden = still("biden.mp4", FaceFixtures.photo("biden.jpg"));
        twoFaces = still("two-faces.mp4", FaceFixtures.twoFaces());
        gradient = still("gradient.mp4", FaceFixtures.gradient(400, 500));
    }

    private static Path still(String name, Mat image) {
        try (image) {
            return FaceFixtures.stillVideo(dir.resolve(name), image, 2.0, FPS);
        }
    }

    @Test
    void cropsEachPortraitOnItsFace() throws Exception {
        assertCropsFace(astronaut, FaceFixtures.ASTRONAUT_FACE, 256, 256);
        assertCropsFace(obama, FaceFixtures.OBAMA_FACE, 400, 500);
        assertCropsFace(biden, FaceFixtures.BIDEN_FACE, 400, 908);
    }

    @Test
    void theHintPicksWhichOfTwoFacesIsTheSpeaker() throws Exception {
        FaceBox obamaFace = FaceFixtures.twoFacesObama();
        FaceBox astronautFace = FaceFixtures.twoFacesAstronaut();
        FaceCrop left = ingestor.ingest(twoFaces, 0, 2, obamaFace.centreX() / 800, obamaFace.centreY() / 500);
        assertThat(left.bbox().iou(square(obamaFace))).isGreaterThan(0.5);
        FaceCrop right = ingestor.ingest(twoFaces, 0, 2, astronautFace.centreX() / 800, astronautFace.centreY() / 500);
        assertThat(right.bbox().iou(square(astronautFace))).isGreaterThan(0.5);
    }

    @Test
    void aFrameWithoutAFaceIsRejectedWithNoFace() {
        assertThatThrownBy(() -> ingestor.ingest(gradient, 0.0, 2.0, 0.5, 0.5))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.NO_FACE))
                .hasMessageContaining("gradient.mp4")
                .hasMessageContaining("(0.500, 0.500)")
                .hasMessageContaining("0 faces seen on 3 sampled frames");
    }

    @Test
    void aFaceAwayFromTheHintIsNoFaceEither() {
        // Obama's face is in the upper middle; a hint in the bottom-left corner is someone else.
        assertThatThrownBy(() -> ingestor.ingest(obama, 0.0, 2.0, 0.05, 0.95))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.NO_FACE))
                .hasMessageContaining("3 faces seen on 3 sampled frames");
    }

    @Test
    void aHintOnlyCropIsCentredOnTheHint() throws Exception {
        FaceIngestor hintOnly = new FaceIngestor(FaceCropSpec.DEFAULT.withHintOnlyCrop(true));
        FaceCrop crop = hintOnly.ingest(gradient, 0.0, 2.0, 0.3, 0.6);
        assertThat(crop.detector()).isEqualTo("hint");
        assertThat(crop.bbox().centreX()).isCloseTo(0.3 * 400, within(1.0));
        assertThat(crop.bbox().centreY()).isCloseTo(0.6 * 500, within(1.0));
        assertThat(crop.bboxW()).isEqualTo(200); // half the shorter side
        assertThat(FaceCropperTest.decode(crop).getWidth()).isEqualTo(224);
    }

    @Test
    void stopsAtTheFirstFrameWithTheFaceAndFallsBackToLaterFrames() throws Exception {
        // 3 s: a second of plain gradient, then Obama. Samples fall at 0.5, 1.5 and 2.5 s.
        Mat portrait = FaceFixtures.photo("obama.jpg");
        Mat blank = FaceFixtures.gradient(400, 500);
        Path lateFace = FaceFixtures.video(dir.resolve("late-face.mp4"), 400, 500, FPS, 15,
                i -> i < FPS ? blank : portrait, false);
        assertThat(ingestor.ingest(lateFace, 0.0, 3.0, 0.54, 0.22).frameTimeS()).isCloseTo(1.5, within(1 / FPS));
        assertThat(ingestor.ingest(obama, 0.0, 1.5, 0.54, 0.22).frameTimeS()).isCloseTo(0.25, within(1 / FPS));
        portrait.close();
        blank.close();
    }

    @Test
    void theTinyProfileGetsSmallerCrops() throws Exception {
        FaceCrop crop = new FaceIngestor(FaceCropSpec.DEFAULT.withOutputSize(64)).ingest(obama, 0, 2, 0.54, 0.22);
        BufferedImage png = FaceCropperTest.decode(crop);
        assertThat(png.getWidth()).isEqualTo(64);
        assertThat(png.getHeight()).isEqualTo(64);
    }

    @Test
    void everyBadFileIsRejectedWithItsReason() throws IOException {
        assertRejected(dir.resolve("absent.mp4"), 0, 1, RejectReason.MISSING_FILE);
        byte[] noise = new byte[20_000];
        new Random(11).nextBytes(noise);
        assertRejected(Files.write(dir.resolve("noise.mp4"), noise), 0, 1, RejectReason.CORRUPT_FILE);
        byte[] whole = Files.readAllBytes(obama);
        assertRejected(Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(whole, whole.length / 3)), 0, 1,
                RejectReason.TRUNCATED);
        assertRejected(FaceFixtures.audioOnly(dir.resolve("voice.mp4"), 1.0), 0, 1, RejectReason.NO_VIDEO_STREAM);
        assertRejected(obama, 2.5, 4.0, RejectReason.SEGMENT_OUT_OF_RANGE);
    }

    private void assertRejected(Path file, double start, double end, RejectReason reason) {
        assertThatThrownBy(() -> ingestor.ingest(file, start, end, 0.5, 0.3))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(file.getFileName().toString());
    }

    private void assertCropsFace(Path video, FaceBox face, int width, int height) throws Exception {
        FaceCrop crop = ingestor.ingest(video, 0.0, 2.0, face.centreX() / width, face.centreY() / height);
        assertThat(crop.detector()).isEqualTo("haar");
        assertThat(crop.bbox().iou(square(face))).as("crop %s of %s", crop.bbox(), video.getFileName())
                .isGreaterThan(0.5);
        assertThat(crop.sourceW()).isEqualTo(width);
        assertThat(crop.sourceH()).isEqualTo(height);
        assertThat(crop.frameTimeS()).isBetween(0.0, 2.0);
        assertThat(crop.score()).isGreaterThanOrEqualTo(5);
        BufferedImage png = FaceCropperTest.decode(crop);
        assertThat(png.getWidth()).isEqualTo(224);
        assertThat(png.getHeight()).isEqualTo(224);
        assertThat(png.getColorModel().getNumComponents()).isEqualTo(3);
    }

    /** The known face box widened by the default margin on each side, as the crop should be. */
    private static FaceBox square(FaceBox face) {
        double side = face.w() * (1 + 2 * FaceCropSpec.DEFAULT.margin());
        return new FaceBox((int) Math.round(face.centreX() - side / 2), (int) Math.round(face.centreY() - side / 2),
                (int) Math.round(side), (int) Math.round(side), 0);
    }
}
