package org.speech2face.jobs.ingest;

import org.speech2face.testing.Tables;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.extension.ExtendWith;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.config.S2fConfig;
import org.speech2face.audio.AudioSegmentDecoder;
import org.speech2face.audio.Spectrogram;
import org.speech2face.audio.SpectrogramExtractor;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.testing.TensorFiles;
import org.speech2face.contracts.RejectReason;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.testing.TestSpark;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.testing.TestSpark.FIXTURES;
import static org.speech2face.testing.TestSpark.SAMPLE;
import static org.speech2face.testing.TestSpark.config;
import static org.speech2face.testing.TestSpark.csvRows;
import static org.speech2face.testing.TestSpark.dataFiles;
import static org.speech2face.testing.TestSpark.files;

/** The ingest jobs on real clips, real FFmpeg and OpenCV, real Spark local mode and Parquet; one session. */
@Tag("slow") // minutes of Spark and DL4J work: runs in mvn verify, not in the fast mvn test
@ExtendWith(SharedSpark.class)
class IngestJobsTest {
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() throws IOException {
        spark = SharedSpark.session();
    }


    static RunReport run(SparkJob job, S2fConfig cfg) throws Exception {
        return TestSpark.run(spark, job, cfg);
    }

    static Map<String, Long> reasons(Path root, String stage) {
        return Tables.rejects(spark, root, stage)
                .groupBy("reason_code").count().collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
    }

    @Test
    void sampleRunWritesFacesAndSpectrogramsAndAccountsForEveryRow() throws Exception {
        Path root = tmp.resolve("root");
        S2fConfig cfg = config(root, SAMPLE.resolve("avspeech.csv"), SAMPLE.resolve("videos"));
        long rows = csvRows(SAMPLE.resolve("avspeech.csv"));

        RunReport faces = run(new IngestFacesJob(), cfg);
        assertThat(faces.count(KeyedStageJob.Counts.ROWS_IN)).isEqualTo(rows);
        assertThat(faces.count(KeyedStageJob.Counts.WRITTEN) + faces.count(KeyedStageJob.Counts.REJECTED)).isEqualTo(rows);
        assertThat(faces.rejectsByReason()).containsEntry("missing_file", 1L);

        Dataset<Row> f = Tables.read(spark, root.resolve("faces").toString());
        assertThat(f.count()).isEqualTo(faces.count(KeyedStageJob.Counts.WRITTEN));
        assertThat(f.schema().apply("image").metadata().getString("comment")).startsWith("image/png, 224x224 RGB");
        for (Row r : f.collectAsList()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.getAs("image")));
            assertThat(img.getWidth()).isEqualTo(224);
            assertThat(img.getHeight()).isEqualTo(224);
            assertThat((String) r.getAs("split")).isIn("train", "val", "test");
            assertThat((String) r.getAs("clip_id")).startsWith(r.<String>getAs("youtube_id") + "_");
        }
        assertThat(f.select("split").distinct().count()).isEqualTo(3);

        RunReport audio = run(new IngestAudioJob(), cfg);
        assertThat(audio.count(KeyedStageJob.Counts.WRITTEN) + audio.count(KeyedStageJob.Counts.REJECTED)).isEqualTo(rows);
        Dataset<Row> s = Tables.read(spark, root.resolve("spectrograms").toString());
        Row one = s.filter(col("clip_id").equalTo("rhTuvqCdmPG_0")).first(); // the CSV's first row: 0 to 7.2 s
        assertThat((int) one.getAs("frames")).isEqualTo(598);
        assertThat((int) one.getAs("bins")).isEqualTo(257);
        TensorFiles.assertFloatList(s, root.resolve("spectrograms"), SpectrogramsDataset.SCHEMA, "spec");
        Spectrogram computed = new SpectrogramExtractor(cfg.ingest().audio()).extract(new AudioSegmentDecoder(
                cfg.ingest().audio()).decode(SAMPLE.resolve("videos/rhTuvqCdmPG.mp4"), 0.0, 7.2));
        assertThat(SpectrogramsDataset.spec(one)).hasSize(598 * 257 * 2).isEqualTo(computed.data());
        assertThat((double) one.getAs("rms")).isGreaterThan(0.001);
        assertThat(s.filter("tiled").count()).isPositive();
        assertThat(s.filter("not tiled").count()).isPositive();

        assertThat(root.resolve("faces/_reports/latest.json")).exists();
        assertThat(Files.readString(root.resolve("spectrograms/_reports/latest.md"))).contains("rows_in");
        try (Stream<Path> staging = Files.list(root.resolve("_staging/ingest-faces"))) {
            assertThat(staging).isEmpty();
        }
    }

    @Test
    void everyRejectReasonIsReachedThroughARealBadFileOrRow() throws Exception {
        Path root = tmp.resolve("bad");
        S2fConfig cfg = config(root, FIXTURES.resolve("fixtures.csv"), FIXTURES);
        long rows = csvRows(FIXTURES.resolve("fixtures.csv"));
        RunReport faces = run(new IngestFacesJob(), cfg);
        RunReport audio = run(new IngestAudioJob(), cfg);
        for (RunReport r : List.of(faces, audio)) {
            assertThat(r.count(KeyedStageJob.Counts.WRITTEN) + r.count(KeyedStageJob.Counts.REJECTED)).as(r.stage()).isEqualTo(rows);
            // The executors get every row but those the plan rejects (bad CSV rows, unsafe ids, duplicates).
            long planRejects = List.of(RejectReason.MALFORMED_ROW, RejectReason.UNSAFE_ID, RejectReason.DUPLICATE_ROW)
                    .stream().mapToLong(reason -> r.rejectsByReason().getOrDefault(reason.code(), 0L)).sum();
            assertThat(planRejects).as(r.stage()).isPositive();
            assertThat(r.count(KeyedStageJob.Counts.TO_PROCESS)).as(r.stage()).isEqualTo(rows - planRejects);
        }
        Map<String, Long> f = reasons(root, "ingest-faces");
        Map<String, Long> a = reasons(root, "ingest-audio");
        assertThat(f).containsKeys("malformed_row", "unsafe_id", "duplicate_row", "missing_file", "corrupt_file",
                "truncated", "no_video_stream", "segment_out_of_range", "no_face");
        assertThat(a).containsKeys("malformed_row", "unsafe_id", "duplicate_row", "missing_file", "corrupt_file",
                "truncated", "no_audio_stream", "segment_out_of_range");
        assertThat(reasonByKey(root, "ingest-faces")).contains(
                Map.entry("truncated01_0", "truncated"), Map.entry("corrupt0001_0", "corrupt_file"),
                Map.entry("noVideo0001_0", "no_video_stream"), Map.entry("noFace00001_0", "no_face"),
                Map.entry("notHere0001_0", "missing_file"), Map.entry("shortClip01_5000", "segment_out_of_range"),
                Map.entry("shortClip01_0@fixtures.csv:14", "duplicate_row"));
        assertThat(reasonByKey(root, "ingest-audio")).contains(
                Map.entry("truncated01_0", "truncated"), Map.entry("noAudio0001_0", "no_audio_stream"),
                Map.entry("shortClip01_5000", "segment_out_of_range"));
        Dataset<Row> rejects = Tables.read(spark, root.resolve("rejects").toString());
        assertThat(rejects.columns()).contains("stage", "row_or_clip", "reason_code", "message", "input");
        assertThat(rejects.filter("message is null or message = ''").count()).isZero();
        // The face-less clip still has speech, and the video-less clip still has audio: each job judges its own stream.
        assertThat(Tables.read(spark, root.resolve("spectrograms").toString()).count()).isEqualTo(audio.count(KeyedStageJob.Counts.WRITTEN));
    }

    static Map<String, String> reasonByKey(Path root, String stage) {
        return Tables.rejects(spark, root, stage)
                .select("row_or_clip", "reason_code").collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    }

    @Test
    void aSecondRunWritesNothingNewAndOverwriteReplacesWithoutDuplicates() throws Exception {
        Path root = tmp.resolve("rerun");
        S2fConfig cfg = config(root, SAMPLE.resolve("avspeech.csv"), SAMPLE.resolve("videos"));
        RunReport first = run(new IngestAudioJob(), cfg);
        Set<Path> before = dataFiles(root.resolve("spectrograms"));
        RunReport second = run(new IngestAudioJob(), cfg);
        // Only the retryable reject (the clip whose video is missing) is tried again; everything else stands.
        long retryable = first.rejectsByReason().getOrDefault(RejectReason.MISSING_FILE.code(), 0L);
        assertThat(retryable).isPositive();
        assertThat(second.count(KeyedStageJob.Counts.WRITTEN)).isZero();
        assertThat(second.count(KeyedStageJob.Counts.RETRIED)).isEqualTo(retryable);
        assertThat(second.count(KeyedStageJob.Counts.NEW)).isZero();
        assertThat(second.count(KeyedStageJob.Counts.REJECTED)).isEqualTo(retryable);
        assertThat(second.count(KeyedStageJob.Counts.UNCHANGED))
                .isEqualTo(first.count(KeyedStageJob.Counts.ROWS_IN) - retryable);
        assertThat(dataFiles(root.resolve("spectrograms"))).isEqualTo(before);

        S2fConfig over = config(root, SAMPLE.resolve("avspeech.csv"), SAMPLE.resolve("videos"), "overwrite=true");
        RunReport third = run(new IngestAudioJob(), over);
        assertThat(third.count(KeyedStageJob.Counts.WRITTEN)).isEqualTo(first.count(KeyedStageJob.Counts.WRITTEN));
        Dataset<Row> s = Tables.read(spark, root.resolve("spectrograms").toString());
        assertThat(s.count()).isEqualTo(first.count(KeyedStageJob.Counts.WRITTEN));
        assertThat(s.select("clip_id").distinct().count()).isEqualTo(first.count(KeyedStageJob.Counts.WRITTEN));
        assertThat(Tables.rejects(spark, root, "ingest-audio")
                .select("run_id").distinct().collectAsList()).extracting(r -> r.getString(0))
                .containsExactly(third.runId());
    }

    @Test
    void unsafeIdsLeaveNoFileOutsideTheRoots() throws Exception {
        Path box = tmp.resolve("box");
        Path videos = Files.createDirectories(box.resolve("a/videos"));
        Path root = box.resolve("a/root");
        // A real clip where "../../etc/p" would point if ids were trusted.
        Path decoy = Files.createDirectories(box.resolve("etc")).resolve("p.mp4");
        try (Stream<Path> clips = Files.list(SAMPLE.resolve("videos"))) {
            Files.copy(clips.filter(p -> p.toString().endsWith(".mp4")).findFirst().orElseThrow(), decoy);
        }
        Path csv = box.resolve("a/in.csv");
        Files.writeString(csv, "../../etc/p,0.0,3.0,0.5,0.5\n..%2F..%2Fxx,0.0,3.0,0.5,0.5\n/etc/passwd,0,3,0.5,0.5\n");
        Set<Path> before = files(box);
        S2fConfig cfg = config(root, csv, videos);
        RunReport faces = run(new IngestFacesJob(), cfg);
        RunReport audio = run(new IngestAudioJob(), cfg);
        assertThat(faces.count(KeyedStageJob.Counts.WRITTEN)).isZero();
        assertThat(audio.count(KeyedStageJob.Counts.WRITTEN)).isZero();
        assertThat(reasons(root, "ingest-faces")).containsOnly(Map.entry("unsafe_id", 3L));
        Set<Path> after = files(box);
        after.removeAll(before);
        assertThat(after).allMatch(p -> p.startsWith(root), "every new file is under data.root");
    }

    @Test
    void dryRunPlansTheCsvAndWritesNothing() throws Exception {
        Path root = tmp.resolve("dry");
        Path conf = Files.writeString(tmp.resolve("dry.conf"), "data.root = \"" + root + "\"\ninput.csv = \""
                + FIXTURES.resolve("fixtures.csv") + "\"\ninput.videos = \"" + FIXTURES + "\"\n");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        int code = org.speech2face.cli.S2f.run(new String[]{"pipeline", "--conf", conf.toString(), "--dry-run"}, ps, ps);
        assertThat(code).isZero();
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).contains("ingest-faces (dry run)").contains("ingest-audio (dry run)").contains("to_process")
                .contains("export (dry run)");
        assertThat(files(root)).isEmpty();
    }
}
