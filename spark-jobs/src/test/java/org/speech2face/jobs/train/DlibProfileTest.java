package org.speech2face.jobs.train;

import org.speech2face.testing.Tables;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.faceapi.FaceApiModels;
import org.speech2face.faceapi.RgbImage;
import org.speech2face.faceapi.nets.FaceDescriptorNet;
import org.speech2face.jobs.JobTestSupport;
import org.speech2face.jobs.evaluate.EvaluateJob;
import org.speech2face.jobs.features.FaceFeaturesJob;
import org.speech2face.jobs.priors.FacePriorJob;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.model.io.Checkpoints;
import org.speech2face.model.networks.FaceDecoder;
import org.speech2face.model.networks.SpeechEncoder;
import org.speech2face.testing.SharedSpark;
import org.speech2face.video.FacePixels;

/**
 * The real-weights profile end to end on the sample ({@code features.network = dlib-resnet128}, tiny, one epoch
 * each): face-features writes dlib's 128-D descriptors (face-api's own input handling agrees with them), the priors
 * are 128-D, train-decoder freezes the descriptor in its loss, train-encoder predicts 128 values without the VFc3
 * term, every checkpoint names the feature network and weights, and evaluate fills Table 4 with the new columns.
 */
@Tag("slow")
@ExtendWith(SharedSpark.class)
class DlibProfileTest {
    static final String FEATURE_ID = "dlib-resnet128:b413e420d6840b27/tiny";

    private Path models;

    @BeforeEach // not @BeforeAll: a skip there would be reported as no test at all
    void weights() {
        models = FaceApiModels.dir();
    }

    @Test
    void thePipelineRunsOnDlibDescriptors(SparkSession spark) throws Exception {
        Path root = TrainingFixture.copy(spark);
        S2fConfig cfg = TrainingFixture.config(root, "features.network=dlib-resnet128", "models.dir=" + models,
                "training.epochs=1");
        long faces = Tables.read(spark, root.resolve("faces").toString()).count();

        RunReport features = JobTestSupport.run(spark, new FaceFeaturesJob(), cfg);
        assertThat(features.count(KeyedStageJob.Counts.STALE_REPLACED)).as("the fixture's VGGFace features")
                .isEqualTo(faces);
        Map<String, Row> byClip = new LinkedHashMap<>();
        for (Row r : Tables.read(spark, root.resolve("face_features").toString()).collectAsList()) {
            assertThat(r.<String>getAs("vggface_id")).isEqualTo(FEATURE_ID);
            assertThat(r.<Integer>getAs("fc7_dim")).isEqualTo(128);
            assertThat(r.<Integer>getAs("fc8_dim")).isZero();
            byClip.put(r.getAs("clip_id"), r);
        }
        assertThat(byClip).hasSize((int) faces);
        // face-api's own input handling on the same 64 px pixels gives the same descriptors
        FaceDescriptorNet dlib = FaceDescriptorNet.load(models);
        List<RgbImage> images = new ArrayList<>();
        List<float[]> stored = new ArrayList<>();
        for (Row f : Tables.read(spark, root.resolve("faces").toString()).limit(3).collectAsList()) {
            images.add(RgbImage.fromUnitPlanes(FacePixels.rgbChannelsFirst(f.getAs("image"), 64), 64));
            stored.add(FaceFeaturesDataset.fc7(byClip.get(f.<String>getAs("clip_id"))));
        }
        float[][] expected = dlib.describe(images);
        for (int i = 0; i < expected.length; i++) {
            for (int d = 0; d < 128; d++) {
                assertThat(Math.abs(stored.get(i)[d] - expected[i][d])).isLessThan(1e-4f);
            }
        }

        JobTestSupport.run(spark, new FacePriorJob(), cfg);
        for (Row r : Tables.read(spark, root.resolve("priors").toString()).collectAsList()) {
            assertThat(r.<String>getAs("vggface_id")).isEqualTo(FEATURE_ID);
            assertThat(PriorsDataset.feature(r)).hasSize(128);
        }

        RunReport decoder = JobTestSupport.run(spark, new TrainDecoderJob(), cfg);
        assertThat(decoder.notes()).anyMatch(n -> n.startsWith("Ff is dlib's 128-D face descriptor"));
        Checkpoints.Loaded fd = new Checkpoints(root.resolve("models/decoder/default").toUri().toString(),
                new Configuration()).load(1);
        assertThat(fd.metadata().provenance().vggface()).isEqualTo(FEATURE_ID);
        assertThat(fd.metadata().lossTerms()).containsKeys("image_loss", "feature_loss", "total");
        assertThat(((FeedForwardLayer) fd.graph().getLayer(FaceDecoder.FC1).conf().getLayer()).getNIn()).isEqualTo(128);
        assertThat(fd.graph().getVertex("dlib_fc")).isNotNull();

        RunReport encoder = JobTestSupport.run(spark, new TrainEncoderJob(), cfg);
        assertThat(encoder.notes()).anyMatch(n -> n.contains("has no VFc3 term"));
        Checkpoints.Loaded se = new Checkpoints(root.resolve("models/encoder/neutral+fc").toUri().toString(),
                new Configuration()).load(1);
        assertThat(se.metadata().provenance().vggface()).isEqualTo(FEATURE_ID);
        assertThat(se.metadata().lossTerms()).containsKeys("feature_term", "decoder_term", "total")
                .doesNotContainKeys("vgg_term", "val_vgg_term");
        assertThat(((FeedForwardLayer) se.graph().getLayer(SpeechEncoder.FC2).conf().getLayer()).getNOut())
                .isEqualTo(128);

        RunReport evaluate = JobTestSupport.run(spark, new EvaluateJob(), cfg);
        Map<String, Row> table4 = new LinkedHashMap<>();
        for (Row r : Tables.read(spark, root.resolve("reports/table4").toString()).collectAsList()) {
            table4.put(r.getAs("model"), r);
            assertThat(r.<Integer>getAs("dim")).isEqualTo(128);
            assertThat(r.<String>getAs("vggface_id")).isEqualTo(FEATURE_ID);
            assertThat(r.<Double>getAs("cos_gen_deg")).isBetween(0.0, 180.0);
            assertThat(r.<Double>getAs("rec_cos")).isBetween(-1.0, 1.0);
            assertThat(r.<Double>getAs("recall_1")).isBetween(0.0, 1.0);
        }
        assertThat(table4.keySet()).containsExactly("face-to-face", "prior-only", "neutral+fc");
        assertThat(Files.readString(root.resolve("reports/table4.md"))).contains("Chance (guessing among 2 identities)");
        assertThat(evaluate.notes()).anyMatch(n -> n.startsWith("Recogniser gender: face-api's pretrained"));
    }
}
