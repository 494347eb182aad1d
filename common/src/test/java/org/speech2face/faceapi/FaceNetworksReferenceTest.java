package org.speech2face.faceapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.speech2face.faceapi.nets.AgeGenderNet;
import org.speech2face.faceapi.nets.FaceDescriptorNet;

/**
 * The DL4J descriptor and age/gender networks against face-api's JavaScript on the same pixels: whole photos
 * (padded and resized), crops already at the networks' sides (no resize) and an odd-sized crop; max abs error
 * at most 1e-4. Each input's SHA-256 is checked first, so stale reference pixels fail by name.
 */
class FaceNetworksReferenceTest {
    static final double TOLERANCE = 1e-4;
    private static Path models;

    @BeforeAll
    static void inputsAndModels() throws Exception {
        ReferenceInputs.write(Path.of("target", "faceapi-inputs")); // what make-reference.js reads
        for (Map.Entry<String, RgbImage> e : ReferenceInputs.ALL.entrySet()) {
            JsonNode ref = FaceApiReference.BY_INPUT.get(e.getKey());
            assertThat(ref).as("reference for input %s; re-run bench/faceapi/make-reference.js", e.getKey()).isNotNull();
            assertThat(ReferenceInputs.sha256(e.getValue()))
                    .as("pixels of %s match those the reference was made from; re-run make-reference.js", e.getKey())
                    .isEqualTo(ref.get("sha256").asText());
        }
    }

    @BeforeEach // not in @BeforeAll: a skip there would be reported as no test at all
    void models() {
        models = FaceApiModels.dir();
    }

    @Test
    void descriptorMatchesFaceApi() throws Exception {
        FaceDescriptorNet net = FaceDescriptorNet.load(models);
        List<String> names = new ArrayList<>(ReferenceInputs.ALL.keySet());
        List<RgbImage> images = names.stream().map(ReferenceInputs.ALL::get).toList();
        float[][] got = net.describe(images); // one batch: batching must not mix faces
        for (int i = 0; i < names.size(); i++) {
            float[] want = FaceApiReference.floats(FaceApiReference.BY_INPUT.get(names.get(i)).get("descriptor"));
            assertThat(got[i]).hasSize(FaceDescriptorNet.DIMENSIONS);
            double err = FaceApiReference.maxAbsDiff(got[i], want);
            System.out.printf("descriptor %-20s max abs error %.2e%n", names.get(i), err);
            assertThat(err).as("descriptor of %s", names.get(i))
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void ageAndGenderMatchFaceApi() throws Exception {
        AgeGenderNet net = AgeGenderNet.load(models);
        List<String> names = new ArrayList<>(ReferenceInputs.ALL.keySet());
        List<AgeGenderNet.AgeGender> got = net.predict(names.stream().map(ReferenceInputs.ALL::get).toList());
        for (int i = 0; i < names.size(); i++) {
            JsonNode ref = FaceApiReference.BY_INPUT.get(names.get(i));
            AgeGenderNet.AgeGender g = got.get(i);
            System.out.printf("age/gender %-20s age error %.2e, P(male) error %.2e%n", names.get(i),
                    Math.abs(g.age() - ref.get("age").asDouble()),
                    Math.abs(g.maleProbability() - ref.get("genderSoftmax").get(0).asDouble()));
            assertThat(g.age()).as("age of %s", names.get(i))
                    .isCloseTo(ref.get("age").asDouble(), org.assertj.core.data.Offset.offset(TOLERANCE));
            assertThat(g.maleProbability()).as("P(male) of %s", names.get(i))
                    .isCloseTo(ref.get("genderSoftmax").get(0).asDouble(), org.assertj.core.data.Offset.offset(TOLERANCE));
            JsonNode p = ref.get("prediction");
            assertThat(g.gender()).as("gender of %s", names.get(i)).isEqualTo(p.get("gender").asText());
            assertThat(g.genderProbability()).isCloseTo(p.get("genderProbability").asDouble(),
                    org.assertj.core.data.Offset.offset(TOLERANCE));
        }
    }
}
