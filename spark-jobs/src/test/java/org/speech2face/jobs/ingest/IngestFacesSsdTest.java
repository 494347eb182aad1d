package org.speech2face.jobs.ingest;

import org.speech2face.testing.Tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.speech2face.testing.TestSpark.SAMPLE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.config.S2fConfig;
import org.speech2face.faceapi.FaceApiModels;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.models.ExecutorModels;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.testing.SharedSpark;
import org.speech2face.testing.TestSpark;

/**
 * ingest-faces with {@code ingest.faces.detector = ssd-mobilenet}: face-api's SSD (real weights, shipped to the
 * executors by the driver) finds the speakers of the sample's first rows, the faces name it as their detector, and
 * each JVM loads it once however many tasks and runs use it. Without the model files the stage stops with one
 * sentence before anything is read. Slow: the SSD costs seconds per frame on 2 shared cores (about 2.5 minutes).
 */
@Tag("slow")
@ExtendWith(SharedSpark.class)
class IngestFacesSsdTest {
    private static final int ROWS = 4;

    @TempDir
    Path tmp;
    private Path models;

    @BeforeEach // not @BeforeAll: a skip there would be reported as no test at all
    void weights() {
        models = FaceApiModels.dir();
    }

    private S2fConfig config(Path root, String... sets) throws Exception {
        String[] all = new String[sets.length + 2];
        all[0] = "ingest.faces.detector=ssd-mobilenet";
        all[1] = "ingest.faces.frames-per-segment=1";
        System.arraycopy(sets, 0, all, 2, sets.length);
        return TestSpark.config(root, SAMPLE.resolve("avspeech.csv"), SAMPLE.resolve("videos"), all);
    }

    private static RunReport run(SparkSession spark, S2fConfig cfg) throws Exception {
        return new IngestFacesJob().run(new JobContext(spark, cfg, JobContext.newRunId(), false,
                OptionalLong.of(ROWS)));
    }

    @Test
    void theSsdFindsTheSpeakersAndIsLoadedOncePerJvm(SparkSession spark) throws Exception {
        Path root = tmp.resolve("root");
        RunReport first = run(spark, config(root, "models.dir=" + models));
        assertThat(first.count(KeyedStageJob.Counts.ROWS_IN)).isEqualTo(ROWS);
        assertThat(first.count(KeyedStageJob.Counts.WRITTEN) + first.count(KeyedStageJob.Counts.REJECTED))
                .isEqualTo(ROWS);
        List<Row> faces = Tables.read(spark, root.resolve("faces").toString()).collectAsList();
        assertThat(faces).hasSize((int) first.count(KeyedStageJob.Counts.WRITTEN)).hasSizeGreaterThanOrEqualTo(3);
        for (Row r : faces) {
            assertThat(r.<String>getAs("detector")).isEqualTo("ssd-mobilenet");
            assertThat(r.<Double>getAs("score")).as("face-api's confidence").isBetween(0.5, 1.0);
        }
        RunReport again = run(spark, config(root, "models.dir=" + models, "overwrite=true"));
        assertThat(again.count(KeyedStageJob.Counts.WRITTEN)).isEqualTo(first.count(KeyedStageJob.Counts.WRITTEN));
        // two runs, several tasks on two task threads: one load in this JVM (local mode: the executor is the driver)
        assertThat(ExecutorModels.loads("faceapi-ssd")).isEqualTo(1);
    }

    @Test
    void withoutTheModelFilesTheStageStopsWithOneSentence(SparkSession spark) throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("no-models"));
        Path root = tmp.resolve("root");
        assertThatThrownBy(() -> run(spark, config(root, "models.dir=" + empty)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ingest-faces (ingest.faces.detector = ssd-mobilenet) uses face-api's pretrained networks: "
                        + "The folder " + empty + " does not hold the @vladmandic/face-api 1.7.15 models (missing or "
                        + "altered files); run 's2f models fetch' (with the same --models-dir, models.dir or S2F_MODELS_DIR) while "
                        + "online.");
        assertThat(root.resolve("faces")).doesNotExist();
    }
}
