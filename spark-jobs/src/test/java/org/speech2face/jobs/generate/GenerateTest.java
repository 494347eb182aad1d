package org.speech2face.jobs.generate;

import org.speech2face.testing.Tables;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.audio.AudioSegmentDecoder;
import org.speech2face.audio.SpectrogramExtractor;
import org.speech2face.audio.SpectrogramSpec;
import org.speech2face.audio.TestMedia;
import org.speech2face.cli.S2f;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.model.networks.SpectrogramInput;
import org.speech2face.model.io.Checkpoints;
import org.speech2face.jobs.train.SampleModels;
import org.speech2face.testing.TestSpark;
import org.speech2face.video.FacePixels;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * generate through the s2f command line with the sample's trained tiny networks: one voice in each format (speech
 * of a test-split speaker re-encoded by FFmpeg as wav, mp3 and m4a, and the sample's own video), each bad input,
 * and a folder run on Spark with one bad file among good ones.
 */
@Tag("slow")
@ExtendWith(SharedSpark.class)
class GenerateTest {
    static final Path VIDEO = TestSpark.SAMPLE.resolve("videos/GJtRd8oSJ_l.mp4");
    static Path root;
    static Path voices;
    static float[] speech;

    @BeforeAll
    static void copyModelsAndWriteVoices() throws Exception {
        SparkSession spark = SharedSpark.session();
        Path models = SampleModels.root(spark);
        root = Files.createTempDirectory("s2f-generate");
        for (String d : List.of("models", "priors")) {
            TestSpark.copyTree(models.resolve(d), root.resolve(d));
        }
        voices = Files.createTempDirectory("s2f-voices");
        speech = new AudioSegmentDecoder(SpectrogramSpec.PAPER).decode(VIDEO, 0.0, 4.5).samples();
        TestMedia.writeSamples(voices.resolve("voice.wav"), TestMedia.AudioFormat.WAV, 16_000, 1, speech);
        TestMedia.writeSamples(voices.resolve("voice.mp3"), TestMedia.AudioFormat.MP3, 16_000, 1, speech);
        TestMedia.writeSamples(voices.resolve("voice.m4a"), TestMedia.AudioFormat.M4A, 16_000, 2, speech);
        TestMedia.writeSamples(voices.resolve("short.wav"), TestMedia.AudioFormat.WAV, 16_000, 1,
                java.util.Arrays.copyOf(speech, 24_000));
        TestMedia.writeSamples(voices.resolve("silent.wav"), TestMedia.AudioFormat.WAV, 16_000, 1, new float[64_000]);
        byte[] noise = new byte[8192];
        new Random(5).nextBytes(noise);
        Files.write(voices.resolve("garbage.mp3"), noise);
    }

    record Result(int code, String out, String err) {
    }

    static Result s2f(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--set", "data.root=" + root, "--set", "spark.master=local[2]", "--set",
                "vggface.weights=random:42"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = S2f.run(all.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static BufferedImage face(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as(png.toString()).isNotNull();
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(64);
        return image;
    }

    @Test
    void aWavVoiceGivesTheFaceTheCheckpointsDrawFromItsSpectrogram() throws Exception {
        Path png = voices.resolve("out/wav-face.png");
        Files.createDirectories(png.getParent());
        Result r = s2f("generate", "--input", voices.resolve("voice.wav").toString(), "--output", png.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("-> file:" + png).contains("encoder neutral+fc").contains("4.5 s of audio");

        // the same face, independently: ingest's decoding and STFT, the checkpoints' graphs, the largest neutral prior
        SpectrogramSpec spec = SpectrogramSpec.PAPER;
        float[] data = new SpectrogramExtractor(spec).extract(new AudioSegmentDecoder(spec)
                .decodeUpTo(voices.resolve("voice.wav"), 6)).data();
        Configuration conf = new Configuration();
        ComputationGraph encoder = new Checkpoints(root.resolve("models/encoder/neutral+fc").toUri().toString(), conf)
                .load(2).graph();
        ComputationGraph decoder = new Checkpoints(root.resolve("models/decoder/default").toUri().toString(), conf)
                .load(2).graph();
        SparkSession spark = SharedSpark.session();
        Row prior = Tables.read(spark, root.resolve("priors").toString()).filter(col("name").equalTo("neutral"))
                .orderBy(col("n").desc()).first();
        float[] neutral = PriorsDataset.feature(prior);
        var sf = encoder.output(false, Nd4j.create(SpectrogramInput.channelsFirst(data, 598, 257),
                new long[] {1, 2, 598, 257}, 'c'), Nd4j.create(neutral, new long[] {1, 512}, 'c'))[0];
        float[] expected = decoder.output(false, sf)[0].dup('c').data().asFloat();
        float[] got = FacePixels.rgbChannelsFirst(Files.readAllBytes(png), 64);
        for (int i = 0; i < expected.length; i++) {
            assertThat(got[i]).isCloseTo(expected[i], within(1f / 255 + 1e-4f));
        }
    }

    @Test
    void mp3M4aAndVideoVoicesEachGiveAFaceAndAFolderIsAnAcceptedOutput() throws Exception {
        Path out = Files.createDirectories(voices.resolve("formats"));
        for (Path voice : List.of(voices.resolve("voice.mp3"), voices.resolve("voice.m4a"), VIDEO)) {
            Result r = s2f("generate", "--input", voice.toString(), "--output", out.toString(), "--variant", "non-prior");
            assertThat(r.code()).as(voice + ": " + r.err()).isZero();
            assertThat(r.out()).contains("encoder non-prior");
        }
        face(out.resolve("voice.png"));
        face(out.resolve("GJtRd8oSJ_l.png"));
        Result male = s2f("generate", "--input", VIDEO.toString(), "--output", out.resolve("male.png").toString(),
                "--variant", "male");
        assertThat(male.code()).as(male.err()).isZero();
        face(out.resolve("male.png"));
    }

    @Test
    void eachBadInputIsOneClearLineAndExitCodeOne() {
        Path png = voices.resolve("bad.png");
        String[][] cases = {
                {voices.resolve("short.wav").toString(), "The audio of short.wav lasts 1.50 s; a voice needs at least "
                        + "3.0 s, since the encoder reads 6 s and would otherwise see a fragment repeated. (too_short)"},
                {voices.resolve("silent.wav").toString(), "The audio of silent.wav is silent: its level is -Infinity "
                        + "dBFS (RMS), below the -60.0 dBFS floor for a voice. (silent_audio)"},
                {voices.resolve("garbage.mp3").toString(), "(corrupt_file)"},
                {TestSpark.FIXTURES.resolve("noAudio0001.mp4").toString(), "noAudio0001.mp4 has no audio stream. "
                        + "(no_audio_stream)"},
                {voices.resolve("absent.wav").toString(), "The voice " + voices.resolve("absent.wav")
                        + " does not exist."}};
        for (String[] c : cases) {
            Result r = s2f("generate", "--input", c[0], "--output", png.toString());
            assertThat(r.code()).as(c[0]).isEqualTo(1);
            assertThat(r.err()).as(c[0]).startsWith("s2f: ").contains(c[1]).endsWith("\n");
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        }
        assertThat(Files.exists(png)).isFalse();
        Result gender = s2f("generate", "--input", voices.resolve("voice.wav").toString(), "--output", png.toString(),
                "--variant", "gender");
        assertThat(gender.code()).isEqualTo(1);
        assertThat(gender.err()).contains("Encoder variant gender has no checkpoint under");
        Result usage = s2f("generate", "--input", voices.resolve("voice.wav").toString());
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("generate needs --output");
    }

    @Test
    void aFolderRunDrawsEveryGoodVoiceAndRejectsTheBadOneWithItsReason() throws Exception {
        Path folder = Files.createDirectories(voices.resolve("folder"));
        Files.copy(voices.resolve("voice.wav"), folder.resolve("first.wav"));
        Files.copy(voices.resolve("voice.m4a"), folder.resolve("second.m4a"));
        Files.copy(VIDEO, folder.resolve("third.mp4"));
        Files.copy(voices.resolve("short.wav"), folder.resolve("tooshort.wav"));
        // What else a folder holds: a link to a voice outside it, a subfolder of voices, an upload in progress.
        Files.createSymbolicLink(folder.resolve("linked.wav"), voices.resolve("voice.wav"));
        Files.copy(voices.resolve("voice.wav"), Files.createDirectories(folder.resolve("more")).resolve("fourth.wav"));
        Files.copy(voices.resolve("voice.wav"), folder.resolve(".fifth.wav.part"));
        Path out = voices.resolve("folder-faces");
        Result r = s2f("generate", "--input", folder.toString(), "--output", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("generate: rows_in 5").contains("written 3").contains("rejected 2")
                .contains("too_short=1").contains("outside_root=1");
        for (String name : List.of("first", "second", "third")) {
            face(out.resolve(name + ".png"));
        }
        try (var written = Files.list(out)) {
            assertThat(written.map(p -> p.getFileName().toString())).as("PNGs only, no .crc files beside them")
                    .containsExactlyInAnyOrder("first.png", "second.png", "third.png");
        }
        JsonNode report = new ObjectMapper().readTree(root.resolve("generated/_reports/latest.json").toFile());
        assertThat(report.at("/figures/subfolders_not_read").asInt()).isEqualTo(1);
        assertThat(report.at("/figures/hidden_not_read").asInt()).isEqualTo(1);
        assertThat(report.get("notes").toString()).contains("Not read: 1 subfolder(s) of ", "(more)",
                "(.fifth.wav.part)");
        assertThat(Files.exists(out.resolve("tooshort.png"))).isFalse();
        SparkSession spark = SharedSpark.session();
        Map<String, Row> rejects = new java.util.TreeMap<>();
        Tables.rejects(spark, root, "generate").collectAsList()
                .forEach(row -> rejects.put(row.<String>getAs("reason_code"), row));
        assertThat(rejects).containsOnlyKeys("too_short", "outside_root");
        assertThat(rejects.get("too_short").<String>getAs("row_or_clip")).endsWith("/folder/tooshort.wav");
        assertThat(rejects.get("outside_root").<String>getAs("message")).isEqualTo("linked.wav in " + folder
                + " (the folder given to generate) is a link to " + voices.resolve("voice.wav").toRealPath()
                + ", outside that folder; it is not read.");
        assertThat(Tables.read(spark, root.resolve("generated").toString()).count()).isEqualTo(3);
        // the face of the folder run is the face of a single run on the same file
        Path single = voices.resolve("single-first.png");
        assertThat(s2f("generate", "--input", folder.resolve("first.wav").toString(), "--output", single.toString())
                .code()).isZero();
        assertThat(Files.readAllBytes(out.resolve("first.png"))).isEqualTo(Files.readAllBytes(single));
    }
}
