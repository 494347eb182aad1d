package org.speech2face.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.faceapi.FaceApiModels;
import org.speech2face.faceapi.FaceApiReference;
import org.speech2face.faceapi.ReferenceInputs;
import org.speech2face.faceapi.RgbImage;

/**
 * {@code s2f face-attributes} and {@code s2f models fetch} end to end through {@link S2f#run}, with the real weights:
 * the printed numbers of a 150x150 face crop equal face-api's own JavaScript outputs on the same pixels.
 */
class FaceAttributesCommandTest {
    @TempDir
    static Path tmp;
    private static Path models;

    @BeforeEach // not @BeforeAll: a skip there would be reported as no test at all
    void weights() {
        models = FaceApiModels.dir();
    }

    private record Run(int code, String out, String err) {
    }

    private static Run s2f(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = S2f.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path png(String name, RgbImage img) throws IOException {
        BufferedImage b = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        byte[] px = img.rgb();
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int i = 3 * (y * img.width() + x);
                b.setRGB(x, y, (px[i] & 0xFF) << 16 | (px[i + 1] & 0xFF) << 8 | (px[i + 2] & 0xFF));
            }
        }
        Path f = tmp.resolve(name + ".png");
        ImageIO.write(b, "png", f.toFile());
        return f;
    }

    @Test
    void jsonOfAnAlignedFaceEqualsFaceApisOutputs() throws IOException {
        Path face = png("obama-face-150", ReferenceInputs.ALL.get("obama-face-150"));
        Run r = s2f("face-attributes", "--input", face.toString(), "--no-detect", "--json", "--models-dir",
                models.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        JsonNode got = new ObjectMapper().readTree(r.out());
        JsonNode ref = FaceApiReference.BY_INPUT.get("obama-face-150");
        assertThat(got.get("descriptor")).hasSize(128);
        float[] d = new float[128];
        for (int i = 0; i < 128; i++) {
            d[i] = (float) got.get("descriptor").get(i).asDouble();
        }
        assertThat(FaceApiReference.maxAbsDiff(d, FaceApiReference.floats(ref.get("descriptor")))).isLessThan(1e-4);
        assertThat(got.get("age").asDouble()).isCloseTo(ref.get("prediction").get("age").asDouble(), offset(1e-4));
        assertThat(got.get("gender").asText()).isEqualTo(ref.get("prediction").get("gender").asText());
        assertThat(got.get("genderProbability").asDouble())
                .isCloseTo(ref.get("prediction").get("genderProbability").asDouble(), offset(1e-4));
        assertThat(got.get("face").isNull()).isTrue();
    }

    @Test
    void detectsTheFaceFirstByDefault() throws IOException {
        Path photo = png("obama", ReferenceInputs.ALL.get("obama"));
        Run r = s2f("face-attributes", "--input", photo.toString(), "--models-dir", models.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode want = FaceApiReference.BY_INPUT.get("obama").get("detections").get(0);
        assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "face: x %.1f, y %.1f, %.1f x %.1f pixels",
                want.get("x").asDouble(), want.get("y").asDouble(), want.get("width").asDouble(),
                want.get("height").asDouble()));
        assertThat(r.out()).containsPattern("age: \\d+\\.\\d\\ngender: (male|female) \\(probability 0\\.\\d{3}\\)");
        assertThat(r.out().lines().filter(l -> l.startsWith("  ")).flatMap(l -> java.util.Arrays.stream(
                l.trim().split("\\s+")))).hasSize(128);
    }

    @Test
    void anImageWithoutAFaceIsOneSentenceAndExitCodeOne() throws IOException {
        Path blank = png("blank", new RgbImage(320, 240, new byte[320 * 240 * 3]));
        Run r = s2f("face-attributes", "--input", blank.toString(), "--models-dir", models.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("s2f: No face found in " + blank).contains("--no-detect")
                .doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void missingModelsAndBadInputsAreNamed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("no-models"));
        Run r = s2f("face-attributes", "--input", "x.jpg", "--models-dir", empty.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(empty.toString()).contains("s2f models fetch").hasLineCount(1);

        Run missing = s2f("face-attributes", "--input", tmp.resolve("none.jpg").toString(), "--models-dir",
                models.toString());
        assertThat(missing.err()).isEqualTo("s2f: The image " + tmp.resolve("none.jpg") + " does not exist.\n");

        Path text = Files.writeString(tmp.resolve("not-an-image.jpg"), "hello");
        Run bad = s2f("face-attributes", "--input", text.toString(), "--models-dir", models.toString());
        assertThat(bad.err()).contains("is not an image").hasLineCount(1);

        assertThat(s2f("face-attributes").code()).isEqualTo(2);
        Run usage = s2f("models", "pull");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("'pull'");
    }

    @Test
    void modelsFetchFindsTheCachedModelsWithoutDownloading() {
        Run r = s2f("models", "fetch", "--models-dir", models.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("already in " + models).contains("nothing downloaded")
                .contains("face_recognition_model.bin").contains("ssd_mobilenetv1_model.bin");
    }
}
