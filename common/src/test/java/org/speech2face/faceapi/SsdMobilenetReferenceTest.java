package org.speech2face.faceapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.speech2face.faceapi.nets.SsdMobilenetV1;
import org.speech2face.faceapi.nets.SsdPostProcessing;

/**
 * The DL4J SSD MobileNet v1 against face-api's JavaScript on the three photos (square, portrait, tall): every
 * anchor's score, the boxes of the 100 best anchors, and the detections after suppression and thresholding, all
 * within 1e-4 (boxes as fractions of the image).
 */
class SsdMobilenetReferenceTest {
    private static SsdMobilenetV1 net;

    @BeforeEach // not @BeforeAll: a skip there would be reported as no test at all
    void load() throws Exception {
        if (net == null) {
            net = SsdMobilenetV1.load(FaceApiModels.dir());
        }
    }

    @Test
    void scoresBoxesAndDetectionsMatchFaceApi() {
        List<String> photos = List.of("astronaut", "obama", "biden");
        List<RgbImage> images = photos.stream().map(ReferenceInputs.ALL::get).toList();
        List<SsdPostProcessing.RawDetections> raw = net.forward(images);
        for (int i = 0; i < photos.size(); i++) {
            String name = photos.get(i);
            JsonNode ref = FaceApiReference.BY_INPUT.get(name);
            assertThat(ReferenceInputs.sha256(images.get(i))).as("pixels of %s", name)
                    .isEqualTo(ref.get("sha256").asText());
            SsdPostProcessing.RawDetections r = raw.get(i);
            double scoreErr = FaceApiReference.maxAbsDiff(r.scores(), FaceApiReference.floats(ref.get("ssdScores")));
            assertThat(scoreErr).as("scores of all anchors, %s", name).isLessThanOrEqualTo(FaceNetworksReferenceTest.TOLERANCE);
            double boxErr = 0;
            for (JsonNode top : ref.get("ssdTopBoxes")) {
                int a = top.get("anchor").asInt();
                for (int k = 0; k < 4; k++) {
                    boxErr = Math.max(boxErr, Math.abs(r.boxes()[4 * a + k] - top.get("box").get(k).asDouble()));
                }
            }
            System.out.printf("ssd %-10s max abs error: scores %.2e, top-100 boxes %.2e%n", name, scoreErr, boxErr);
            assertThat(boxErr).as("boxes of the best 100 anchors, %s", name)
                    .isLessThanOrEqualTo(FaceNetworksReferenceTest.TOLERANCE);

            RgbImage img = images.get(i);
            List<SsdPostProcessing.Detection> got = SsdPostProcessing.locate(r, img.width(), img.height(),
                    SsdPostProcessing.DEFAULT_MIN_CONFIDENCE, SsdPostProcessing.DEFAULT_MAX_RESULTS);
            JsonNode want = ref.get("detections");
            assertThat(got).as("detections in %s", name).hasSize(want.size()).isNotEmpty();
            for (int d = 0; d < got.size(); d++) {
                SsdPostProcessing.Detection g = got.get(d);
                JsonNode w = want.get(d);
                assertThat(g.score()).isCloseTo(w.get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
                double[] mine = {g.x() / img.width(), g.y() / img.height(), g.width() / img.width(),
                    g.height() / img.height()};
                double[] theirs = {w.get("x").asDouble() / img.width(), w.get("y").asDouble() / img.height(),
                    w.get("width").asDouble() / img.width(), w.get("height").asDouble() / img.height()};
                for (int k = 0; k < 4; k++) {
                    assertThat(mine[k]).as("detection %d of %s, coordinate %d", d, name, k)
                            .isCloseTo(theirs[k], org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
    }
}
