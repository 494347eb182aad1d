package org.speech2face.jobs.ingest;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.RerunSelection;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.KeyedStageJob.Counts;
import org.speech2face.testing.SharedSpark;
import org.speech2face.testing.Tables;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.testing.TestSpark.SAMPLE;
import static org.speech2face.testing.TestSpark.config;

/**
 * A daily schedule over a folder of videos that changes between runs: a missing video is tried again by every run
 * until it arrives, a video rejected for its content stays rejected until the file is replaced, and --only redoes
 * exactly the rows it names. Each run's counts add up, and no row is ever doubled.
 */
@Tag("slow")
@ExtendWith(SharedSpark.class)
class RerunByOutcomeTest {
    private static final String GOOD = "rhTuvqCdmPG";
    private static final String LATE = "0tmKXPDZpAe";
    private static final String BROKEN = "5c6qSYhzYTF";
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SharedSpark.session();
    }

    private RunReport run(S2fConfig cfg, RerunSelection rerun) throws Exception {
        return new IngestAudioJob().run(new JobContext(spark, cfg, JobContext.newRunId(), false, OptionalLong.empty(),
                rerun));
    }

    private Map<String, String> rejects(Path root) {
        return Tables.rejects(spark, root, "ingest-audio").collectAsList().stream()
                .collect(Collectors.toMap(r -> r.<String>getAs("row_or_clip"), r -> r.<String>getAs("reason_code")));
    }

    @Test
    void missingVideosAreRetriedContentRejectsWaitForANewFileAndOnlyRedoesWhatItNames() throws Exception {
        Path videos = Files.createDirectories(tmp.resolve("videos"));
        Files.copy(SAMPLE.resolve("videos/" + GOOD + ".mp4"), videos.resolve(GOOD + ".mp4"));
        Files.writeString(videos.resolve(BROKEN + ".mkv"), "<html>not a video</html>");
        Path csv = Files.write(tmp.resolve("drop.csv"), List.of(GOOD + ",0.0,7.2,0.55,0.35", GOOD + ",7.2,9.9,0.53,0.37",
                LATE + ",1.0,8.5,0.45,0.36", BROKEN + ",0.0,2.6,0.42,0.46"));
        Path root = tmp.resolve("root");
        S2fConfig cfg = config(root, csv, videos);

        RunReport first = run(cfg, RerunSelection.NONE);
        assertThat(first.count(Counts.NEW)).isEqualTo(4);
        assertThat(first.count(Counts.WRITTEN)).isEqualTo(2);
        assertThat(rejects(root)).isEqualTo(Map.of(LATE + "_1000", "missing_file", BROKEN + "_0", "not_media"));

        RunReport second = run(cfg, RerunSelection.NONE);
        assertThat(second.count(Counts.UNCHANGED)).as("two rows and the content reject stand").isEqualTo(3);
        assertThat(second.count(Counts.RETRIED)).as("the missing video is looked for again").isEqualTo(1);
        assertThat(second.count(Counts.REJECTED)).isEqualTo(1);

        Files.copy(SAMPLE.resolve("videos/" + LATE + ".webm"), videos.resolve(LATE + ".webm"));
        RunReport third = run(cfg, RerunSelection.NONE);
        assertThat(third.count(Counts.RETRIED)).isEqualTo(1);
        assertThat(third.count(Counts.WRITTEN)).isEqualTo(1);
        assertThat(rejects(root)).as("the arrived video's reject is gone").isEqualTo(Map.of(BROKEN + "_0", "not_media"));

        Files.copy(SAMPLE.resolve("videos/" + BROKEN + ".mkv"), videos.resolve(BROKEN + ".mkv"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RunReport fourth = run(cfg, RerunSelection.NONE);
        assertThat(fourth.count(Counts.RETRIED)).as("the replaced file is tried again").isEqualTo(1);
        assertThat(fourth.count(Counts.UNCHANGED)).isEqualTo(3);
        assertThat(fourth.count(Counts.WRITTEN)).isEqualTo(1);
        assertThat(rejects(root)).isEmpty();

        RunReport only = run(cfg, new RerunSelection(false, List.of(GOOD + "_0"), null));
        assertThat(only.count(Counts.REPLACED)).isEqualTo(1);
        assertThat(only.count(Counts.UNCHANGED)).isEqualTo(3);
        assertThat(only.count(Counts.WRITTEN)).isEqualTo(1);
        var rows = Tables.read(spark, root.resolve("spectrograms").toString());
        assertThat(rows.count()).isEqualTo(4).isEqualTo(rows.select("clip_id").distinct().count());
        assertThat(rows.filter("clip_id = '" + GOOD + "_0'").select("split").first().getString(0))
                .isIn("train", "val", "test");
        assertThat(root.resolve("spectrograms").toFile().list()).as("partitioned by split")
                .anyMatch(name -> name.startsWith("split="));
    }
}
