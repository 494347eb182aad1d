package org.speech2face.jobs.export;

import org.speech2face.testing.Tables;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.extension.ExtendWith;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.speech2face.contracts.FloatTensorCodec;
import org.speech2face.jobs.JobContext;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.jobs.report.RunReport;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.speech2face.jobs.JobTestSupport.config;

/**
 * export on hand-made faces/, spectrograms/ and gender/ datasets: the files it writes are compared with the rows'
 * own bytes, and the .npy files are parsed here by their documented layout.
 */
@Tag("slow") // minutes of Spark and DL4J work: runs in mvn verify, not in the fast mvn test
@ExtendWith(SharedSpark.class)
class ExportJobTest {
    static final int FRAMES = 7;
    static final int BINS = 5;
    static SparkSession spark;
    /** Faces of clips a..e, spectrograms of clips c..g: the sample's union is a..g, sorted by clip_id. */
    static final Map<String, byte[]> PNG = new LinkedHashMap<>();
    static final Map<String, byte[]> SPEC = new LinkedHashMap<>();

    @BeforeAll
    static void startSpark() throws IOException {
        spark = SharedSpark.session();
        Random r = new Random(5);
        for (char c = 'a'; c <= 'g'; c++) {
            String clip = clip(c);
            if (c <= 'e') {
                BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);
                img.setRGB(c - 'a', 1, 0xFF8040);
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(img, "png", png);
                PNG.put(clip, png.toByteArray());
            }
            if (c >= 'c') {
                float[] v = new float[FRAMES * BINS * 2];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) r.nextGaussian();
                }
                SPEC.put(clip, FloatTensorCodec.encode(v));
            }
        }
        withGender = write(true);
        withoutGender = write(false);
    }


    static String clip(char c) {
        return "clip" + c + "aaaaaa_1000";
    }

    static String youtubeId(String clip) {
        return clip.substring(0, 11);
    }

    /** Written once; each test works on its own copy. */
    static Path withGender;
    static Path withoutGender;

    /** A copy of a data root made by {@link #write}. */
    static Path inputs(boolean gender) throws IOException {
        Path from = gender ? withGender : withoutGender;
        Path root = Files.createTempDirectory("s2f-export");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path to = root.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return root;
    }

    /** A data root holding faces/, spectrograms/ and (for clips c and d) gender/. */
    static Path write(boolean withGender) throws IOException {
        Path root = Files.createTempDirectory("s2f-export-input");
        List<Row> faces = new ArrayList<>();
        PNG.forEach((clip, png) -> faces.add(RowFactory.create(clip, youtubeId(clip), "train", 1.0,
                RowFactory.create(1, 2, 3, 4), "haar", 0.9, png, 64, 48)));
        List<Row> specs = new ArrayList<>();
        SPEC.forEach((clip, spec) -> specs.add(RowFactory.create(clip, youtubeId(clip), "train", 6.0, false, 16000,
                FRAMES, BINS, FloatTensorCodec.decode(spec, FRAMES, BINS, 2), 0.1)));
        spark.createDataFrame(faces, FacesDataset.SCHEMA).write().format("delta").save(root.resolve("faces").toString());
        spark.createDataFrame(specs, SpectrogramsDataset.SCHEMA).write().format("delta").save(root.resolve("spectrograms").toString());
        if (withGender) {
            List<Row> gender = List.of(GenderDataset.toRow(clip('c'), youtubeId(clip('c')), "val", 0.75, "m"),
                    GenderDataset.toRow(clip('d'), youtubeId(clip('d')), "val", 0.25, "m"));
            spark.createDataFrame(gender, GenderDataset.SCHEMA).write().format("delta").save(root.resolve("gender").toString());
        }
        return root;
    }

    static RunReport export(Path root, OptionalLong limit, boolean dryRun) throws Exception {
        return new ExportJob().run(new JobContext(spark, config(root, ""), JobContext.newRunId(), dryRun, limit));
    }

    @Test
    void exportsTheFirstClipsFilesByteForByteWithAnIndex() throws Exception {
        Path root = inputs(true);
        RunReport report = export(root, OptionalLong.of(5), false);

        Path out = root.resolve("exports");
        assertThat(report.counts()).containsEntry("clips", 5L).containsEntry("faces_written", 5L)
                .containsEntry("spectrograms_written", 3L).containsEntry("with_gender", 2L);
        for (char c = 'a'; c <= 'e'; c++) {
            assertThat(out.resolve("faces/" + clip(c) + ".png")).hasBinaryContent(PNG.get(clip(c)));
        }
        assertThat(list(out.resolve("spectrograms"))).containsExactly(clip('c') + ".npy", clip('d') + ".npy",
                clip('e') + ".npy");
        for (char c = 'c'; c <= 'e'; c++) {
            byte[] npy = Files.readAllBytes(out.resolve("spectrograms/" + clip(c) + ".npy"));
            int headerLength = 10 + (ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF);
            String header = new String(npy, 10, headerLength - 10, java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (7, 5, 2), }");
            assertThat(Arrays.copyOfRange(npy, headerLength, npy.length)).isEqualTo(SPEC.get(clip(c)));
        }
        assertThat(Files.readAllLines(out.resolve("samples.csv"))).containsExactly(ExportJob.HEADER,
                clip('a') + ",clipaaaaaaa,train,faces/" + clip('a') + ".png,,,,,",
                clip('b') + ",clipbaaaaaa,train,faces/" + clip('b') + ".png,,,,,",
                clip('c') + ",clipcaaaaaa,train,faces/" + clip('c') + ".png,spectrograms/" + clip('c') + ".npy,7,5,0.75,male",
                clip('d') + ",clipdaaaaaa,train,faces/" + clip('d') + ".png,spectrograms/" + clip('d') + ".npy,7,5,0.25,female",
                clip('e') + ",clipeaaaaaa,train,faces/" + clip('e') + ".png,spectrograms/" + clip('e') + ".npy,7,5,,");
        assertThat(out.resolve("_reports/latest.json")).exists();
        assertThat(root.resolve("_staging/export")).doesNotExist();
    }

    @Test
    void aSecondRunReplacesTheFilesAndKeepsTheReports() throws Exception {
        Path root = inputs(false);
        export(root, OptionalLong.empty(), false);
        assertThat(list(root.resolve("exports/faces"))).hasSize(5);
        assertThat(list(root.resolve("exports/spectrograms"))).hasSize(5);

        RunReport second = export(root, OptionalLong.of(1), false);

        assertThat(second.notes()).anyMatch(n -> n.contains("no gender/ dataset"));
        assertThat(list(root.resolve("exports/faces"))).containsExactly(clip('a') + ".png");
        assertThat(root.resolve("exports/spectrograms")).doesNotExist();
        assertThat(Files.readAllLines(root.resolve("exports/samples.csv"))).hasSize(2);
        assertThat(list(root.resolve("exports/_reports")).stream().filter(f -> !f.startsWith("latest"))
                .filter(f -> f.endsWith(".json"))).hasSize(2);
    }

    @Test
    void aDryRunCountsTheClipsAndWritesNothing() throws Exception {
        Path root = inputs(false);
        RunReport report = export(root, OptionalLong.empty(), true);
        assertThat(report.counts()).containsEntry("clips", 7L);
        assertThat(root.resolve("exports")).doesNotExist();
    }

    @Test
    void withoutFacesOrSpectrogramsItSaysWhichStageToRun() throws IOException {
        Path root = Files.createTempDirectory("s2f-export-empty");
        assertThatThrownBy(() -> export(root, OptionalLong.empty(), false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("There is neither a faces/ nor a spectrograms/ dataset under")
                .hasMessageContaining(root.toString())
                .hasMessageEndingWith("run ingest-faces or ingest-audio first.");
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }
}
