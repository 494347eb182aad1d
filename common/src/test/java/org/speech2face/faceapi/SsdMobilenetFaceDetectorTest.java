package org.speech2face.faceapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.video.FaceBox;
import org.speech2face.video.FaceCrop;
import org.speech2face.video.FaceCropSpec;
import org.speech2face.video.FaceFixtures;
import org.speech2face.video.FaceIngestor;
import org.speech2face.video.HaarFaceDetector;

/** The SSD detector behind the {@link org.speech2face.video.FaceDetector} interface, in ingest beside Haar. */
class SsdMobilenetFaceDetectorTest {
    @TempDir
    static Path dir;
    private static SsdMobilenetFaceDetector ssd;

    @BeforeEach // not @BeforeAll: a skip there would be reported as no test at all
    void load() throws Exception {
        if (ssd == null) {
            ssd = SsdMobilenetFaceDetector.load(FaceApiModels.dir());
        }
    }

    @Test
    void findsTheSameFacesAsFaceApiInWholePixels() {
        try (Mat obama = FaceFixtures.photo("obama.jpg")) {
            List<FaceBox> faces = ssd.detect(obama);
            var ref = FaceApiReference.BY_INPUT.get("obama").get("detections");
            assertThat(faces).hasSize(ref.size());
            FaceBox f = faces.get(0);
            assertThat((double) f.x()).isCloseTo(ref.get(0).get("x").asDouble(), org.assertj.core.data.Offset.offset(0.5));
            assertThat((double) f.w()).isCloseTo(ref.get(0).get("width").asDouble(), org.assertj.core.data.Offset.offset(1.0));
            assertThat(f.score()).isCloseTo(ref.get(0).get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
            assertThat(f.iou(FaceFixtures.OBAMA_FACE)).as("SSD and Haar boxes overlap").isGreaterThan(0.4);
        }
    }

    @Test
    void ingestWithTheSsdDetectorCropsTheSpeakerAndNamesTheDetector() throws Exception {
        Path video;
        try (Mat obama = FaceFixtures.photo("obama.jpg")) {
            video = FaceFixtures.stillVideo(dir.resolve("obama.mp4"), obama, 1.0, 10);
        }
        FaceBox face = FaceFixtures.OBAMA_FACE;
        double hx = face.centreX() / 400;
        double hy = face.centreY() / 500;
        FaceCrop withSsd = new FaceIngestor(FaceCropSpec.DEFAULT, ssd).ingest(video, 0, 1, hx, hy);
        FaceCrop withHaar = new FaceIngestor(FaceCropSpec.DEFAULT).ingest(video, 0, 1, hx, hy);
        assertThat(withSsd.detector()).isEqualTo(SsdMobilenetFaceDetector.NAME);
        assertThat(withHaar.detector()).isEqualTo("haar");
        assertThat(withSsd.score()).isBetween(0.5, 1.0);
        assertThat(withSsd.bbox().iou(withHaar.bbox())).as("the two crops agree").isGreaterThan(0.5);
    }

    @Test
    void findsAFaceTurned45DegreesThatTheFrontalCascadeMisses() {
        try (Mat obama = FaceFixtures.photo("obama.jpg"); Mat rotated = new Mat();
             Point2f centre = new Point2f((float) FaceFixtures.OBAMA_FACE.centreX(),
                     (float) FaceFixtures.OBAMA_FACE.centreY());
             Mat m = getRotationMatrix2D(centre, 45, 1.0); Size size = new Size(400, 500)) {
            warpAffine(obama, rotated, m, size);
            List<FaceBox> haar = new HaarFaceDetector(FaceCropSpec.DEFAULT).detect(rotated);
            List<FaceBox> found = ssd.detect(rotated);
            assertThat(haar).as("Haar on the turned face").isEmpty();
            assertThat(found).as("SSD on the turned face").isNotEmpty();
            FaceBox best = found.stream().max(java.util.Comparator.comparingDouble(FaceBox::score)).orElseThrow();
            assertThat(Math.hypot(best.centreX() - centre.x(), best.centreY() - centre.y()))
                    .as("the detection is centred on the rotated face").isLessThan(0.5 * FaceFixtures.OBAMA_FACE.w());
        }
    }
}
