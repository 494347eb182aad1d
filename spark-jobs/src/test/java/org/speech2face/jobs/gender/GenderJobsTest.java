package org.speech2face.jobs.gender;

import org.speech2face.testing.Tables;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.extension.ExtendWith;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.model.io.GenderModelStore;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.speech2face.audio.Spectrogram;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.Split;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.jobs.report.RunReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.jobs.JobTestSupport.config;
import static org.speech2face.jobs.JobTestSupport.dataFiles;
import static org.speech2face.jobs.JobTestSupport.run;

/**
 * train-gender and predict-gender on synthetic voices (see {@link SyntheticVoices}): 10 male and 10 female speakers
 * to train on, 4 + 4 other speakers held out by the youtube_id split, one spectrogram of the wrong shape. The
 * check can fail: a classifier that learnt nothing scores 4 of 8, one that always says "male" too.
 */
@Tag("slow") // minutes of Spark and DL4J work: runs in mvn verify, not in the fast mvn test
@ExtendWith(SharedSpark.class)
class GenderJobsTest {
    static SparkSession spark;
    static Path root;
    static S2fConfig cfg;
    static RunReport trained;
    static final Map<String, Boolean> MALE = new HashMap<>();
    static final String WRONG_SHAPE = "shortshort1_0";

    @BeforeAll
    static void writeVoicesAndTrain() throws Exception {
        root = Files.createTempDirectory("s2f-gender");
        Path labels = root.resolve("gender.csv");
        cfg = config(root, "gender { labels = \"" + labels + "\", epochs = 7, batch-size = 8 }\n"
                + "features.batch-size = 8");
        spark = SharedSpark.session();
        Random r = new Random(11);
        List<Row> rows = new ArrayList<>();
        StringBuilder csv = new StringBuilder("youtube_id,gender\n");
        int[][] quota = {{10, 4}, {10, 4}}; // [male, female] x [train, held out]
        while (quota[0][0] + quota[0][1] + quota[1][0] + quota[1][1] > 0) {
            String id = randomId(r);
            boolean male = quota[0][0] + quota[0][1] > 0 && (quota[1][0] + quota[1][1] == 0 || r.nextBoolean());
            Split split = Split.of(id, 0.8, 0.1);
            int side = split == Split.TRAIN ? 0 : 1;
            int[] q = quota[male ? 0 : 1];
            if (q[side] == 0) {
                continue;
            }
            q[side]--;
            Spectrogram s = SyntheticVoices.spectrogram(SyntheticVoices.speech(SyntheticVoices.Speaker.draw(male, r), r));
            rows.add(RowFactory.create(id + "_0", id, split.code(), 6.0, false, 16000, s.frames(), s.bins(),
                    s.data(), s.rms()));
            csv.append(id).append(',').append(male ? "male" : "female").append('\n');
            MALE.put(id + "_0", male);
        }
        rows.add(RowFactory.create(WRONG_SHAPE, "shortshort1", "train", 3.0, false, 16000, 298, 257,
                new float[298 * 257 * 2], 0.1));
        csv.append("shortshort1,female\nbadlabel___,unknown\n");
        Files.writeString(labels, csv);
        spark.createDataFrame(rows, SpectrogramsDataset.SCHEMA).write().format("delta").save(root.resolve("spectrograms").toString());
        trained = run(spark, new TrainGenderJob(), cfg);
    }


    static String randomId(Random r) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Test
    void heldOutSpeakersAreToldApart() {
        assertThat(trained.count(TrainGenderJob.Counts.TRAIN_MALE)).isEqualTo(10);
        assertThat(trained.count(TrainGenderJob.Counts.TRAIN_FEMALE)).isEqualTo(10);
        assertThat(trained.count(TrainGenderJob.Counts.HELDOUT)).isEqualTo(8);
        assertThat(trained.count(TrainGenderJob.Counts.WRONG_SHAPE)).isEqualTo(1);
        assertThat(trained.count(TrainGenderJob.Counts.LABEL_ROWS_INVALID)).isEqualTo(1);
        assertThat((double) trained.figures().get("heldout_accuracy")).isGreaterThanOrEqualTo(7 / 8.0);
        assertThat(trained.tables()).hasSize(1);
    }

    /** Trained on the executors by parameter averaging: every one of the 20 voices fitted once in each of 7 epochs. */
    @Test
    void everyTrainingVoiceIsFittedOncePerEpochByTheWorkers() {
        assertThat(trained.figures().get("workers")).isEqualTo(2);
        assertThat(trained.figures().get("epoch_examples")).isEqualTo(List.of(20L, 20L, 20L, 20L, 20L, 20L, 20L));
        assertThat(trained.count(TrainGenderJob.Counts.EXAMPLES_FITTED)).isEqualTo(7 * 20);
        assertThat(trained.count(TrainGenderJob.Counts.EPOCHS_WITH_EXAMPLES_UNACCOUNTED)).isZero();
        assertThat(trained.count(TrainGenderJob.Counts.MINIBATCHES_OF_ONE_EXAMPLE)).isZero();
        assertThat(trained.count(TrainGenderJob.Counts.DROPPED_TAIL_EXAMPLES)).isZero();
        // 20 voices in minibatches of 8: 8 + 8 + 4
        assertThat(trained.count(TrainGenderJob.Counts.STEPS)).isEqualTo(7 * 3);
    }

    @Test
    void theModelIsSavedWholeWithItsId() throws Exception {
        Path dir = root.resolve("models/gender");
        assertThat(dir.resolve(GenderModelStore.MODEL)).exists();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        assertThat(Files.readString(dir.resolve(GenderModelStore.META))).contains((String) trained.figures().get("model_id"));
        RunReport again = run(spark, new TrainGenderJob(), cfg);
        assertThat(again.count(TrainGenderJob.Counts.SKIPPED_EXISTING)).isEqualTo(1);
        assertThat(again.figures().get("model_id")).isEqualTo(trained.figures().get("model_id"));
    }

    /** predict-gender loads the saved model on the executors: it must agree with the training job's evaluation. */
    @Test
    void predictionsCoverEverySpectrogramAndMatchTheHeldOutScore() throws Exception {
        RunReport predicted = run(spark, new PredictGenderJob(), cfg);
        assertThat(predicted.count(KeyedStageJob.Counts.ROWS_IN)).isEqualTo(29);
        assertThat(predicted.count(KeyedStageJob.Counts.WRITTEN)).isEqualTo(28);
        assertThat(predicted.rejectsByReason()).containsExactly(Map.entry("malformed_row", 1L));
        List<Row> rows = Tables.read(spark, root.resolve("gender").toString()).collectAsList();
        assertThat(rows).hasSize(28);
        int heldOut = 0;
        int right = 0;
        for (Row r : rows) {
            double p = r.getAs("p_male");
            assertThat(p).isBetween(0.0, 1.0);
            assertThat(r.<String>getAs("predicted")).isEqualTo(p >= 0.5 ? "male" : "female");
            assertThat(r.<String>getAs("gender_model_id")).isEqualTo(trained.figures().get("model_id"));
            if (!"train".equals(r.getAs("split"))) {
                heldOut++;
                right += (p >= 0.5) == MALE.get(r.<String>getAs("clip_id")) ? 1 : 0;
            }
        }
        assertThat(heldOut).isEqualTo(8);
        assertThat(right / 8.0).isEqualTo((double) trained.figures().get("heldout_accuracy"));

        var before = dataFiles(root.resolve("gender"));
        RunReport again = run(spark, new PredictGenderJob(), cfg);
        assertThat(again.count(KeyedStageJob.Counts.WRITTEN)).isZero();
        assertThat(again.count(KeyedStageJob.Counts.UNCHANGED)).isEqualTo(predicted.count(KeyedStageJob.Counts.ROWS_IN));
        assertThat(dataFiles(root.resolve("gender"))).isEqualTo(before);
    }
}
