package org.speech2face.jobs.train;

import org.speech2face.testing.Tables;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.speech2face.jobs.JobTestSupport.run;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.JobTestSupport;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.contracts.Provenance;
import org.speech2face.model.networks.FaceDecoder;
import org.speech2face.model.networks.TrainingGraphs;
import org.speech2face.model.loss.TriItemLoss;
import org.speech2face.model.io.Checkpoints;
import org.speech2face.model.io.EpochMetrics;

import static org.apache.spark.sql.functions.col;

/**
 * train-decoder and train-encoder in Spark local mode on the tiny profile, on inputs the real earlier stages made
 * from the bundled sample. One session; the decoder (4 epochs) and then the encoder (3 epochs) are trained once and
 * shared; the resume and fall-back tests train their own copies.
 */
@Tag("slow") // minutes of Spark and DL4J work: runs in mvn verify, not in the fast mvn test
@ExtendWith(SharedSpark.class)
class TrainingJobsTest {
    static SparkSession spark;
    static Path trained;
    static RunReport decoder;
    static RunReport encoder;
    static long trainFaces;

    @BeforeAll
    static void trainTheDecoderThenTheEncoder() throws Exception {
        spark = SharedSpark.session();
        trained = TrainingFixture.copy(spark);
        decoder = run(spark, new TrainDecoderJob(), TrainingFixture.config(trained, "training.epochs=3"));
        encoder = run(spark, new TrainEncoderJob(), TrainingFixture.config(trained, "training.epochs=2"));
        trainFaces = Tables.read(spark, trained.resolve("face_features").toString())
                .filter(col("split").equalTo("train")).count();
    }


    static List<EpochMetrics> metrics(Path root, String net, String variant) throws Exception {
        return EpochMetrics.readAll(new org.apache.hadoop.fs.Path(root.resolve("metrics").resolve(net).resolve(variant)
                .toUri()), new Configuration());
    }

    static Checkpoints checkpoints(Path root, String net, String variant) {
        return new Checkpoints(root.resolve("models").resolve(net).resolve(variant).toUri().toString(), new Configuration());
    }

    @SuppressWarnings("unchecked")
    static void assertEveryExampleFittedOncePerEpoch(RunReport report, long examples) {
        List<Map<String, Object>> perEpoch = (List<Map<String, Object>>) report.figures().get("examples_per_executor");
        assertThat(perEpoch).hasSize((int) report.count(TrainingJob.Counts.EPOCHS_TRAINED));
        for (Map<String, Object> e : perEpoch) {
            long sum = ((Map<String, Long>) e.get("examples")).values().stream().mapToLong(Long::longValue).sum();
            assertThat(sum).as("epoch %s", e.get("epoch")).isEqualTo(examples);
        }
        assertThat(report.count(TrainingJob.Counts.EPOCHS_WITH_EXAMPLES_UNACCOUNTED)).isZero();
    }

    @Test
    void theDecoderLearnsEpochByEpochOnEveryTrainingFaceOncePerEpoch() throws Exception {
        assertThat(trainFaces).isEqualTo(9);
        assertThat(decoder.count(TrainingJob.Counts.TRAIN_EXAMPLES)).isEqualTo(trainFaces);
        assertThat(decoder.count(TrainingJob.Counts.EPOCHS_TRAINED)).isEqualTo(3);
        assertEveryExampleFittedOncePerEpoch(decoder, trainFaces);

        List<EpochMetrics> m = metrics(trained, "decoder", "default");
        assertThat(m).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
        assertThat(m).extracting(EpochMetrics::examples).containsOnly(trainFaces);
        // the paper's schedule: 1e-3, times 0.9 every two epochs
        assertThat(m.stream().mapToDouble(EpochMetrics::learningRate).toArray())
                .containsExactly(new double[] {1e-3, 1e-3, 9e-4}, within(1e-12));
        assertThat(m.get(0).lossTerms()).containsKeys("image_loss", "feature_loss", "total", "minibatch_total",
                "val_total");
        assertThat(m.get(2).lossTerms().get("total")).isLessThan(m.get(0).lossTerms().get("total"));
        assertThat(m.get(2).lossTerms().get("minibatch_total")).isLessThan(m.get(0).lossTerms().get("minibatch_total"));
        assertThat(m.get(0).lossTerms().get("total")).isCloseTo(
                m.get(0).lossTerms().get("image_loss") + m.get(0).lossTerms().get("feature_loss"), within(1e-9));

        Checkpoints store = checkpoints(trained, "decoder", "default");
        assertThat(store.epochs()).containsExactly(1, 2, 3);
        Checkpoints.Loaded last = store.load(3);
        assertThat(last.metadata().variant()).isEqualTo("decoder");
        assertThat(last.metadata().profile()).isEqualTo("tiny");
        assertThat(last.metadata().provenance().vggface()).isEqualTo("random:42/tiny");
        assertThat(last.metadata().provenance().producer()).isEqualTo("train-decoder");
        assertThat(last.metadata().lossTerms()).isEqualTo(m.get(2).lossTerms());
        ComputationGraph g = last.graph();
        assertThat(g.getConfiguration().getEpochCount()).isEqualTo(3);
        INDArray[] out = g.output(Nd4j.randn(DataType.FLOAT, 2, 512));
        assertThat(out[0].shape()).containsExactly(2, 3, 64, 64);
        assertThat(out[1].shape()).containsExactly(2, 512);

        RunReport again = run(spark, new TrainDecoderJob(), TrainingFixture.config(trained, "training.epochs=3"));
        assertThat(again.count(TrainingJob.Counts.EPOCHS_TRAINED)).isZero();
        assertThat(again.count(TrainingJob.Counts.EPOCHS_DONE_BEFORE)).isEqualTo(3);
        assertThat(again.count(TrainingJob.Counts.EPOCHS_DONE)).isEqualTo(3);
        assertThat(again.notes()).anyMatch(n -> n.startsWith("All 3 epochs are trained already"));
        assertThat(store.epochs()).containsExactly(1, 2, 3);
    }

    @Test
    void theEncoderLearnsAgainstTheFrozenDecoderAndItsCheckpointNamesWhatItWasTrainedAgainst() throws Exception {
        assertThat(encoder.count(TrainingJob.Counts.TRAIN_EXAMPLES)).isEqualTo(trainFaces);
        assertThat(encoder.count(TrainingJob.Counts.EPOCHS_TRAINED)).isEqualTo(2);
        assertEveryExampleFittedOncePerEpoch(encoder, trainFaces);
        List<EpochMetrics> m = metrics(trained, "encoder", "neutral+fc");
        assertThat(m).extracting(EpochMetrics::epoch).containsExactly(1, 2);
        assertThat(m.get(0).lossTerms()).containsKeys("feature_term", "decoder_term", "vgg_term", "total");
        assertThat(m.get(1).lossTerms().get("total")).isLessThan(m.get(0).lossTerms().get("total"));
        Map<String, Double> t = m.get(1).lossTerms();
        double[] l = TriItemLoss.PAPER_LAMBDAS;
        assertThat(t.get("total")).isCloseTo(l[0] * t.get("feature_term") + l[1] * t.get("decoder_term")
                + l[2] * t.get("vgg_term"), within(1e-6 * t.get("total")));

        ComputationGraph fd = checkpoints(trained, "decoder", "default").load(3).graph();
        Checkpoints.Loaded se = checkpoints(trained, "encoder", "neutral+fc").load(2);
        assertThat(se.metadata().variant()).isEqualTo("encoder/neutral+fc");
        Provenance sp = se.metadata().provenance();
        assertThat(sp.producer()).isEqualTo("train-encoder");
        assertThat(sp.vggface()).isEqualTo("random:42/tiny");
        assertThat(sp.decoder()).isEqualTo("epoch-0003:" + Checkpoints.layerFingerprint(fd, FaceDecoder.FC1));
        assertThat(sp.genderModel()).isEqualTo("none");
        assertThat(sp.priors()).matches("neutral@\\d+");
        // DFc1 inside the tri-item loss is the decoder's first layer, unchanged by two epochs of training
        assertThat(se.graph().getLayer(TrainingGraphs.TRI_LOSS).getParam(TriItemLoss.DFC1_W))
                .isEqualTo(fd.getLayer(FaceDecoder.FC1).getParam("W"));
        INDArray sf = se.graph().output(Nd4j.randn(DataType.FLOAT, 2, 2, 598, 257), Nd4j.randn(DataType.FLOAT, 2, 512))[0];
        assertThat(sf.shape()).containsExactly(2, 512);
    }

    @Test
    void aRunKilledBetweenEpochsResumesOnScheduleAndACorruptNewestCheckpointIsSkippedWithAWarning() throws Exception {
        Path root = TrainingFixture.copy(spark);
        RunReport first = run(spark, new TrainDecoderJob(), TrainingFixture.config(root, "training.epochs=1"));
        assertThat(first.count(TrainingJob.Counts.EPOCHS_DONE)).isEqualTo(1);
        // a kill while epoch 2 was being saved leaves a hidden, half-written folder
        Path dir = root.resolve("models/decoder/default");
        Path half = Files.createDirectories(dir.resolve(".epoch-0002.killed.tmp"));
        byte[] zip = Files.readAllBytes(dir.resolve("epoch-0001/model.zip"));
        Files.write(half.resolve("model.zip"), Arrays.copyOf(zip, zip.length / 3));
        // and one killed between moving epoch 1 aside and putting its replacement in place left only the old copy
        Files.move(dir.resolve("epoch-0001"), dir.resolve(".epoch-0001.0b7e.old"));

        RunReport resumed = run(spark, new TrainDecoderJob(), TrainingFixture.config(root, "training.epochs=3",
                "training.ui-stats=true"));
        assertThat(resumed.notes()).contains("A run killed while saving a checkpoint left 2 working folder(s) in file:"
                + dir + ": deleted .epoch-0002.killed.tmp; moved the previous copy of epoch-0001 back in place.");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".epoch-"));
        }
        assertThat(resumed.count(TrainingJob.Counts.EPOCHS_DONE_BEFORE)).isEqualTo(1);
        assertThat(resumed.count(TrainingJob.Counts.EPOCHS_TRAINED)).isEqualTo(2);
        assertThat(resumed.figures().get("started_from").toString()).endsWith("epoch-0001/model.zip");
        assertEveryExampleFittedOncePerEpoch(resumed, trainFaces);

        // the same epochs, epoch count, steps and learning rates as the run that was never interrupted
        Checkpoints interrupted = checkpoints(root, "decoder", "default");
        Checkpoints straight = checkpoints(trained, "decoder", "default");
        assertThat(interrupted.epochs()).isEqualTo(straight.epochs()).containsExactly(1, 2, 3);
        ComputationGraph a = interrupted.load(3).graph();
        ComputationGraph b = straight.load(3).graph();
        assertThat(a.getConfiguration().getEpochCount()).isEqualTo(b.getConfiguration().getEpochCount()).isEqualTo(3);
        assertThat(a.getConfiguration().getIterationCount()).isEqualTo(b.getConfiguration().getIterationCount());
        List<EpochMetrics> resumedMetrics = metrics(root, "decoder", "default");
        List<EpochMetrics> straightMetrics = metrics(trained, "decoder", "default");
        assertThat(resumedMetrics.stream().mapToDouble(EpochMetrics::learningRate).toArray())
                .containsExactly(straightMetrics.stream().mapToDouble(EpochMetrics::learningRate).toArray(), within(1e-15));
        // each epoch is dealt into the same rounds and Adam resumes from its saved state: the same model, up to the
        // summation order of multi-threaded kernels
        double straightLoss = straightMetrics.get(2).lossTerms().get("total");
        assertThat(resumedMetrics.get(2).lossTerms().get("total")).isCloseTo(straightLoss, within(1e-3 * straightLoss));

        // the optional training-UI statistics of the resumed run: DL4J's StatsListener reports from both epochs
        File stats = root.resolve("metrics/decoder/default/ui-stats/" + resumed.runId() + "/stats.mapdb").toFile();
        assertThat(stats).exists();
        FileStatsStorage storage = new FileStatsStorage(stats);
        try {
            assertThat(storage.listSessionIDs()).hasSize(1);
            String session = storage.listSessionIDs().get(0);
            String type = storage.listTypeIDsForSession(session).get(0);
            long updates = storage.listWorkerIDsForSession(session).stream()
                    .mapToLong(w -> storage.getAllUpdatesAfter(session, type, w, 0).size()).sum();
            assertThat(updates).isPositive();
        } finally {
            storage.close();
        }

        // epoch 3's model is cut short, as a full disk leaves it: the next run warns, resumes after epoch 2 and
        // trains epoch 3 again
        Path model = dir.resolve("epoch-0003/model.zip");
        byte[] full = Files.readAllBytes(model);
        Files.delete(dir.resolve("epoch-0003/.model.zip.crc"));
        Files.write(model, Arrays.copyOf(full, full.length - 4096));
        RunReport fallback = run(spark, new TrainDecoderJob(), TrainingFixture.config(root, "training.epochs=3"));
        assertThat(fallback.notes()).anyMatch(n -> n.startsWith("Checkpoint epoch-0003 cannot be used")
                && n.contains("epoch-0003/model.zip") && n.endsWith("falling back to epoch-0002."));
        assertThat(fallback.count(TrainingJob.Counts.EPOCHS_DONE_BEFORE)).isEqualTo(2);
        assertThat(fallback.count(TrainingJob.Counts.EPOCHS_TRAINED)).isEqualTo(1);
        assertThat(interrupted.load(3).graph().getConfiguration().getEpochCount()).isEqualTo(3);
        assertThat(metrics(root, "decoder", "default").get(2).learningRate()).isCloseTo(9e-4, within(1e-15));
    }

    @Test
    void trainEncoderWithoutATrainedDecoderSaysToRunTrainDecoderFirst() throws Exception {
        Path root = TrainingFixture.copy(spark);
        assertThatThrownBy(() -> run(spark, new TrainEncoderJob(), TrainingFixture.config(root)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("There is no trained face decoder under file:" + root.resolve("models/decoder/default"))
                .hasMessageContaining("run train-decoder first");
        RunReport dry = new TrainEncoderJob().run(new JobContext(spark, TrainingFixture.config(root),
                JobContext.newRunId(), true, OptionalLong.empty()));
        assertThat(dry.notes()).anyMatch(n -> n.startsWith("A real run would stop here") && n.contains("train-decoder"));
        assertThat(root.resolve("models/encoder")).doesNotExist();
    }

    @Test
    void theMaleVariantTrainsOnMaleVoicesWithTheMalePrior() throws Exception {
        RunReport male = run(spark, new TrainEncoderJob(), TrainingFixture.config(trained, "encoder.prior=male",
                "encoder.fusion=add", "training.epochs=1"));
        List<String> labels = Files.readAllLines(TrainingFixture.LABELS);
        long maleTrain = Tables.read(spark, trained.resolve("face_features").toString())
                .filter(col("split").equalTo("train")).collectAsList().stream()
                .filter(r -> labels.contains(r.getAs("youtube_id") + ",male")).count();
        assertThat(maleTrain).isBetween(1L, trainFaces - 1);
        assertThat(male.count(TrainingJob.Counts.TRAIN_EXAMPLES)).isEqualTo(maleTrain);
        assertThat(male.count(EncoderExamples.Counts.OTHER_GENDER)).isPositive();
        assertThat(male.count(EncoderExamples.Counts.WITHOUT_PREDICTED_GENDER)).isZero();
        assertEveryExampleFittedOncePerEpoch(male, maleTrain);
        Checkpoints.Loaded se = checkpoints(trained, "encoder", "male").load(1);
        assertThat(se.metadata().variant()).isEqualTo("encoder/male");
        assertThat(se.metadata().provenance().priors()).matches("male@\\d+");
        assertThat(se.metadata().provenance().genderModel()).isEqualTo("any");
    }

    @Test
    void aCheckpointOfOtherFeaturesIsNotContinuedSilently() {
        assertThatThrownBy(() -> run(spark, new TrainDecoderJob(), TrainingFixture.config(trained,
                "training.epochs=4", "vggface.weights=random:43")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was trained against vggface random:42/tiny")
                .hasMessageContaining("random:43/tiny").hasMessageContaining("overwrite=true");
    }
}
