package org.speech2face.model.io;

import org.speech2face.model.inference.FaceDecoding;
import org.speech2face.model.inference.SpeechEncoding;
import org.speech2face.model.networks.VoiceGenderClassifier;
import org.speech2face.contracts.Provenance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Models saved by earlier code still load and compute what they computed then (see {@link GoldenModels}): the
 * checkpoints name the custom layers by the class names of the day they were written.
 */
class GoldenModelsTest {
    private static final double TOLERANCE = 1e-5;
    private static File root;
    private static JsonNode expected;

    @BeforeAll
    static void fixture() throws URISyntaxException, IOException {
        root = new File(GoldenModelsTest.class.getResource("/golden-models/expected.json").toURI()).getParentFile();
        expected = new ObjectMapper().readTree(new File(root, "expected.json"));
    }

    @Test
    void decoderCheckpointDecodesAndResumesAsWhenSaved() throws IOException {
        Checkpoints.Loaded loaded = new Checkpoints(new File(root, "decoder").toURI().toString(), new Configuration())
                .load(1);
        assertThat(loaded.metadata().variant()).isEqualTo("decoder");
        assertThat(loaded.metadata().provenance()).as("provenance read from the untyped weightsIds of old metadata")
                .isEqualTo(new Provenance("train-decoder", "random:7/tiny", null, null, null, null));
        ComputationGraph graph = loaded.graph();
        FaceDecoding.Faces faces = new FaceDecoding(graph, GoldenModels.PROFILE).decode(GoldenModels.features(1));
        assertSampled(faces.rgb(), expected.get("decoder_rgb"));
        assertSampled(faces.fc7(), expected.get("decoder_fc7"));

        var example = GoldenModels.batch(GoldenModels.features(1), GoldenModels.faces(2));
        assertThat(graph.score(example)).isCloseTo(expected.get("decoder_score").asDouble(), within(TOLERANCE));
        graph.fit(example);
        assertThat(graph.score(example)).as("the score after one Adam step from the saved moments")
                .isCloseTo(expected.get("decoder_score_after_step").asDouble(), within(TOLERANCE));
    }

    @Test
    void encoderCheckpointEncodesAsWhenSaved() throws IOException {
        Checkpoints.Loaded loaded = new Checkpoints(new File(root, "encoder").toURI().toString(), new Configuration())
                .load(1);
        assertThat(loaded.metadata().variant()).isEqualTo("encoder/" + GoldenModels.ENCODER.id());
        assertThat(loaded.metadata().provenance()).isEqualTo(new Provenance("train-encoder", "random:7/tiny",
                "epoch-0001:golden", "neutral@10", null, null));
        float[][] sf = new SpeechEncoding(loaded.graph(), GoldenModels.ENCODER, GoldenModels.PROFILE)
                .encode(GoldenModels.spectrograms(3), GoldenModels.features(4));
        assertSampled(sf, expected.get("encoder_sf"));
    }

    @Test
    void genderClassifierPredictsAsWhenSaved() throws IOException {
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(new File(root, "gender").toURI());
        Configuration conf = new Configuration();
        MultiLayerNetwork net = GenderModelStore.load(dir, conf,
                (String) GenderModelStore.metadata(dir, conf).get("model_id"));
        float[] pMale = VoiceGenderClassifier.pMale(net, GoldenModels.spectrograms(5));
        JsonNode want = expected.get("gender_p_male");
        assertThat(pMale).hasSize(want.size());
        for (int i = 0; i < pMale.length; i++) {
            assertThat((double) pMale[i]).isCloseTo(want.get(i).asDouble(), within(TOLERANCE));
        }
    }

    private static void assertSampled(float[][] actual, JsonNode want) {
        List<List<Double>> got = GoldenModels.sample(actual);
        assertThat(got).hasSize(want.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).hasSize(want.get(i).size());
            for (int j = 0; j < got.get(i).size(); j++) {
                assertThat(got.get(i).get(j)).as("row %d, sample %d", i, j)
                        .isCloseTo(want.get(i).get(j).asDouble(), within(TOLERANCE));
            }
        }
    }
}
