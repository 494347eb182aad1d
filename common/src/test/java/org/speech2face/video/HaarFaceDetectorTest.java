package org.speech2face.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class HaarFaceDetectorTest {
    private final HaarFaceDetector detector = new HaarFaceDetector(FaceCropSpec.DEFAULT);

    @Test
    void findsTheOneFaceOfEachPhotoWhereOpenCvFoundItAtFullSize() {
        assertOneFaceAt("astronaut.jpg", FaceFixtures.ASTRONAUT_FACE);
        assertOneFaceAt("obama.jpg", FaceFixtures.OBAMA_FACE);
        assertOneFaceAt("biden.jpg", FaceFixtures.BIDEN_FACE);
    }

    @Test
    void boxesFoundOnTheDownscaledCopyAreMappedBackToSourcePixels() {
        // Biden's portrait is 400x908; a 256 px detection side forces a 0.28 downscale.
        FaceCropSpec small = new FaceCropSpec(3, 0.25, 224, 256, 0.1, 0.75, false, 0.5, 1.1, 3);
        try (Mat biden = FaceFixtures.photo("biden.jpg")) {
            List<FaceBox> faces = new HaarFaceDetector(small).detect(biden);
            assertThat(faces).hasSize(1);
            assertThat(faces.get(0).iou(FaceFixtures.BIDEN_FACE)).isGreaterThan(0.6);
        }
    }

    @Test
    void findsBothFacesOnTheTwoPortraitCanvas() {
        try (Mat canvas = FaceFixtures.twoFaces()) {
            List<FaceBox> faces = detector.detect(canvas);
            assertThat(faces).hasSize(2);
            assertThat(faces).anySatisfy(f -> assertThat(f.iou(FaceFixtures.twoFacesObama())).isGreaterThan(0.6));
            assertThat(faces).anySatisfy(f -> assertThat(f.iou(FaceFixtures.twoFacesAstronaut())).isGreaterThan(0.6));
        }
    }

    @Test
    void searchesLargeFacesFirstAndSmallOnesOnlyWhenNeeded() {
        try (Mat obama = FaceFixtures.photo("obama.jpg"); Mat astronaut = FaceFixtures.photo("astronaut.jpg")) {
            // Obama's face is a third of the shorter side: the large-face pass alone finds it.
            List<FaceBox> large = detector.detect(obama, faces -> true);
            assertThat(large).hasSize(1);
            assertThat(large.get(0).iou(detector.detect(obama).get(0))).isGreaterThan(0.8);
            // The astronaut's is under a fifth: only the small-face pass finds it.
            assertThat(detector.detect(astronaut, faces -> true)).isEmpty();
            List<FaceBox> small = detector.detect(astronaut, faces -> !faces.isEmpty());
            assertThat(small).hasSize(1);
            assertThat(small.get(0).iou(FaceFixtures.ASTRONAUT_FACE)).isGreaterThan(0.7);
            // Both passes run when the large faces are never enough, and a face found twice is reported once.
            assertThat(detector.detect(obama, faces -> false)).hasSize(1);
        }
    }

    @Test
    void findsNothingInAPlainGradient() {
        try (Mat gradient = FaceFixtures.gradient(640, 360)) {
            assertThat(detector.detect(gradient)).isEmpty();
        }
    }

    @Test
    void threadsEachUseTheirOwnClassifierAndAgree() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Mat obama = FaceFixtures.photo("obama.jpg")) {
            List<FaceBox> expected = detector.detect(obama);
            List<Future<List<FaceBox>>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                runs.add(pool.submit(() -> detector.detect(obama)));
            }
            for (Future<List<FaceBox>> run : runs) {
                assertThat(run.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesAnImageThatIsNotBgr() {
        try (Mat gray = new Mat(10, 10, org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
            assertThatThrownBy(() -> detector.detect(gray))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("10x10x1");
        }
    }

    private void assertOneFaceAt(String photo, FaceBox expected) {
        try (Mat image = FaceFixtures.photo(photo)) {
            List<FaceBox> faces = detector.detect(image);
            assertThat(faces).as("faces in %s", photo).hasSize(1);
            FaceBox found = faces.get(0);
            assertThat(found.iou(expected)).as("IoU of %s with %s in %s", found, expected, photo).isGreaterThan(0.7);
            assertThat(found.score()).as("neighbour count").isGreaterThanOrEqualTo(FaceCropSpec.DEFAULT.haarMinNeighbors());
        }
    }
}
