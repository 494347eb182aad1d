package org.speech2face.jobs.evaluate;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.FloatTensorCodec;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.model.networks.SpectrogramInput;
import org.speech2face.model.io.Checkpoints;
import org.speech2face.jobs.train.SampleModels;
import org.speech2face.testing.TestSpark;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * evaluate on the sample (5 test clips: 3 of a male speaker, 2 of a female one) with the tiny decoder and the
 * non-prior, neutral+fc and male encoders that train-decoder and train-encoder made ({@link SampleModels}). Table 4 is recomputed here from the checkpoints'
 * own graphs and a plain loop over the vectors.
 */
@Tag("slow")
@ExtendWith(SharedSpark.class)
class EvaluateJobTest {
    static SparkSession spark;
    static Path root;
    static S2fConfig cfg;
    static RunReport report;
    static String firstTable6;

    @BeforeAll
    static void evaluate() throws Exception {
        spark = SharedSpark.session();
        Path models = SampleModels.root(spark);
        root = Files.createTempDirectory("s2f-evaluate");
        TestSpark.copyTree(models, root); // a private copy: the generate tests read the shared one
        cfg = SampleModels.config(root);
        report = TestSpark.run(spark, new EvaluateJob(), cfg);
        firstTable6 = Files.readString(root.resolve("reports/table6.md")); // a later test reruns with age labels
    }


    static Map<String, Row> table4() {
        Map<String, Row> out = new LinkedHashMap<>();
        for (Row r : spark.read().parquet(root.resolve("reports/table4").toString()).collectAsList()) {
            out.put(r.getAs("model"), r);
        }
        return out;
    }

    @Test
    void table4HasTheFaceToFaceRowAndOneRowPerTrainedVariant() {
        Map<String, Row> t = table4();
        assertThat(t.keySet()).containsExactlyInAnyOrder("face-to-face", "non-prior", "neutral+fc", "male");
        assertThat(report.count(EvaluateJob.Counts.TEST_CLIPS)).isEqualTo(5);
        assertThat(t.get("face-to-face").<Long>getAs("clips")).isEqualTo(5);
        assertThat(t.get("non-prior").<Long>getAs("clips")).isEqualTo(5);
        assertThat(t.get("male").<Long>getAs("clips")).as("only clips of voices predicted male").isEqualTo(3);
        assertThat(t.get("face-to-face").isNullAt(t.get("face-to-face").fieldIndex("l1"))).isTrue();
        assertThat(t.get("face-to-face").<Double>getAs("cos_gen_deg")).isBetween(0.0, 180.0);
        assertThat(t.get("neutral+fc").<Integer>getAs("epoch")).isEqualTo(2);
        assertThat(t.get("neutral+fc").<Integer>getAs("dim")).isEqualTo(512);
        assertThat(t.get("male").<String>getAs("vggface_id")).isEqualTo(SampleModels.VGGFACE_ID);
        // every encoder was trained against this very decoder: its id matches what train-encoder recorded
        assertThat(report.notes()).noneMatch(n -> n.contains("was trained with the decoder"));
        // ... and with the priors priors/ holds now (train-encoder records them in the same name@n form)
        assertThat(report.notes()).noneMatch(n -> n.contains("was trained with the priors"));
    }

    @Test
    void anEncoderTrainedWithOtherPriorsIsNamedInTheReport() throws Exception {
        Path meta = root.resolve("models/encoder/neutral+fc/epoch-0002/metadata.json");
        String original = Files.readString(meta);
        assertThat(original).contains("\"priors\" : \"neutral@");
        try {
            Files.writeString(meta, original.replaceAll("\"priors\" : \"neutral@\\d+\"", "\"priors\" : \"neutral@2\""));
            Files.deleteIfExists(meta.resolveSibling(".metadata.json.crc"));
            RunReport dry = new EvaluateJob().run(new org.speech2face.jobs.JobContext(spark, cfg, "dry-priors", true,
                    java.util.OptionalLong.empty()));
            assertThat(dry.notes()).anyMatch(n -> n.startsWith("Encoder variant neutral+fc was trained with the priors "
                    + "neutral@2; priors/ now holds neutral@"));
            assertThat(dry.notes()).noneMatch(n -> n.startsWith("Encoder variant non-prior was trained with the priors"));
        } finally {
            Files.writeString(meta, original);
            Files.deleteIfExists(meta.resolveSibling(".metadata.json.crc"));
        }
    }

    @Test
    void table4MatchesARecomputationFromTheCheckpointsGraphs() throws Exception {
        Configuration conf = new Configuration();
        ComputationGraph encoder = new Checkpoints(root.resolve("models/encoder/neutral+fc").toUri().toString(), conf)
                .load(2).graph();
        ComputationGraph decoder = new Checkpoints(root.resolve("models/decoder/default").toUri().toString(), conf)
                .load(2).graph();
        float[] neutral = null;
        int largest = 0;
        for (Row r : spark.read().parquet(root.resolve("priors").toString()).filter(col("name").equalTo("neutral"))
                .collectAsList()) {
            if (r.<Integer>getAs("n") > largest) {
                largest = r.getAs("n");
                neutral = PriorsDataset.feature(r);
            }
        }
        List<Row> test = spark.read().parquet(root.resolve("face_features").toString()).filter(col("split").equalTo("test"))
                .join(spark.read().parquet(root.resolve("spectrograms").toString()).select("clip_id", "spec"), "clip_id")
                .collectAsList();
        double[] sums = new double[6];
        for (Row r : test) {
            float[] ff = FaceFeaturesDataset.fc7(r);
            INDArray spec = Nd4j.create(SpectrogramInput.channelsFirst(FloatTensorCodec.decode(r.getAs("spec"), 598, 257,
                    2), 598, 257), new long[] {1, 2, 598, 257}, 'c');
            INDArray sf = encoder.output(false, spec, Nd4j.create(neutral, new long[] {1, 512}, 'c'))[0];
            INDArray gen = decoder.output(false, sf)[1];
            double[] a = plain(sf.toFloatVector(), ff);
            double[] b = plain(gen.toFloatVector(), ff);
            for (int i = 0; i < 3; i++) {
                sums[i] += a[i] / test.size();
                sums[3 + i] += b[i] / test.size();
            }
        }
        Row row = table4().get("neutral+fc");
        String[] cols = {"l1", "l2", "cos_deg", "l1_gen", "l2_gen", "cos_gen_deg"};
        for (int i = 0; i < 6; i++) {
            assertThat(row.<Double>getAs(cols[i])).as(cols[i]).isCloseTo(sums[i], within(1e-4 * Math.abs(sums[i]) + 1e-6));
        }
    }

    /** L1, L2 and the angle in degrees, written out plainly. */
    static double[] plain(float[] a, float[] b) {
        double l1 = 0, sq = 0, dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            l1 += Math.abs(a[i] - b[i]);
            sq += Math.pow(a[i] - b[i], 2);
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
        }
        return new double[] {l1, Math.sqrt(sq), Math.toDegrees(Math.acos(dot / Math.sqrt(na * nb)))};
    }

    @Test
    void table5CountsEachModelsLabelledClipsByGenderAndTable6SaysWhyItIsMissing() throws Exception {
        Map<String, Row> total = new LinkedHashMap<>();
        Map<String, Row> male = new LinkedHashMap<>();
        for (Row r : spark.read().parquet(root.resolve("reports/table5").toString()).collectAsList()) {
            (r.<String>getAs("group").equals("total") ? total : r.<String>getAs("group").equals("male") ? male
                    : new LinkedHashMap<String, Row>()).put(r.getAs("model"), r);
            assertThat(r.<Long>getAs("correct")).isBetween(0L, r.<Long>getAs("clips"));
        }
        assertThat(total.keySet()).containsExactlyInAnyOrder("original", "face-to-face", "non-prior", "neutral+fc", "male");
        assertThat(total.get("original").<Long>getAs("clips")).isEqualTo(5);
        assertThat(male.get("original").<Long>getAs("clips")).isEqualTo(3);
        assertThat(total.get("male").<Long>getAs("clips")).isEqualTo(3);
        Row f2f = total.get("face-to-face");
        assertThat(f2f.<Double>getAs("accuracy")).isCloseTo(f2f.<Long>getAs("correct") / 5.0, within(1e-12));
        assertThat(Files.readString(root.resolve("reports/table5.md"))).contains("| Model | Male | Female | Total |")
                .contains("Original face").contains("logistic regression");
        assertThat(firstTable6).contains("not available")
                .contains("evaluate.age-labels = none");
    }

    @Test
    void markdownAndJsonReportsAndTheRunReportHoldTable4() throws Exception {
        String md = Files.readString(root.resolve("reports/table4.md"));
        assertThat(md).contains("| Model | L1 | L2 | Cos(deg) | L1' | L2' | Cos'(deg) |").contains("Face-to-Face (5 clips")
                .contains("| male (3 clips, epoch 2) |").contains("126.524").contains("not divided by the dimension");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(root.resolve("reports/table4.json").toFile());
        assertThat(json.get("dim").asInt()).isEqualTo(512);
        List<String> models = new ArrayList<>();
        json.get("rows").forEach(r -> models.add(r.get("model").asText()));
        assertThat(models).containsExactly("face-to-face", "non-prior", "neutral+fc", "male");
        assertThat(json.get("rows").get(0).get("l1").isNull()).isTrue();
        assertThat(json.get("rows").get(2).get("cos_gen_deg").asDouble())
                .isEqualTo(table4().get("neutral+fc").<Double>getAs("cos_gen_deg"));
        assertThat(json.get("paper").get(2).get("cos_deg").asDouble()).isEqualTo(15.204);
        var t5 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(root.resolve("reports/table5.json").toFile());
        assertThat(t5.get("available").asBoolean()).isTrue();
        assertThat(t5.get("rows")).hasSize(5 * 3);
        assertThat(Files.readString(root.resolve("reports/_reports/" + report.runId() + ".md"))).contains("Table 4")
                .contains("Table 5").contains("Table 6 is not available");
        assertThat(spark.read().parquet(root.resolve("reports/clip_scores").toString()).count())
                .isEqualTo(5 + 5 + 5 + 5 + 3);
    }

    @Test
    void figuresAreDrawnWithOneRowPerModelAndGreyCellsWhereAVariantDoesNotGo() throws Exception {
        BufferedImage fig6 = ImageIO.read(root.resolve("reports/figures/fig6_faces.png").toFile());
        List<String> rows = List.of("Original", "Face-to-Face", "non-prior", "neutral+fc", "male");
        FaceGridFigure.Layout at = FaceGridFigure.layout(rows, 5, EvaluationFigures.CELL);
        assertThat(fig6.getWidth()).isEqualTo(at.width());
        assertThat(fig6.getHeight()).isEqualTo(at.height());
        List<String> clips = new ArrayList<>(EvaluateJob.figureClips(spark.read().parquet(
                root.resolve("face_features").toString()).filter(col("split").equalTo("test")), cfg.evaluate()));
        assertThat(clips).hasSize(5);
        int half = EvaluationFigures.CELL / 2;
        for (int c = 0; c < clips.size(); c++) {
            boolean femaleVoice = clips.get(c).startsWith("Pq09OIvEzwj");
            int male = fig6.getRGB(at.x(c) + half, at.y(4) + half) & 0xFFFFFF;
            assertThat(male == (FaceGridFigure.EMPTY.getRGB() & 0xFFFFFF)).as(clips.get(c)).isEqualTo(femaleVoice);
        }
        BufferedImage fig5 = ImageIO.read(root.resolve("reports/figures/fig5_loss.png").toFile());
        assertThat(fig5.getWidth()).isEqualTo(LossCurveFigure.WIDTH);
        boolean blue = false;
        boolean red = false;
        for (int x = 0; x < fig5.getWidth(); x++) {
            for (int y = 0; y < fig5.getHeight(); y++) {
                int p = fig5.getRGB(x, y) & 0xFFFFFF;
                blue |= p == 0x1F4EC8;
                red |= p == 0xD02121;
            }
        }
        assertThat(blue).as("non-prior's curve").isTrue();
        assertThat(red).as("neutral+fc's curve").isTrue();
        assertThat(ImageIO.read(root.resolve("reports/figures/fig2_priors.png").toFile()).getHeight())
                .isEqualTo(FaceGridFigure.layout(List.of("neutral", "male", "female"), 1, EvaluationFigures.CELL).height());
    }

    @Test
    void aRerunWithAgeLabelsAddsTable6AndReplacesTheRestAndAMissingDecoderIsNamed() throws Exception {
        // made-up ages for the sample's speakers (it has none): years, a group name, one unusable value
        Path ages = root.resolve("ages.csv");
        Files.writeString(ages, "youtube_id,age\nrhTuvqCdmPG,61\n0tmKXPDZpAe,48\nGJtRd8oSJ_l,78\n5c6qSYhzYTF,70\n"
                + "xD3EoA1zCC_,elder\n7iHyEpp2LNY,29\nPq09OIvEzwj,33\n9qYUCs19aVm,young\nP2GuaEsSuFf,unknown\n");
        RunReport again = TestSpark.run(spark, new EvaluateJob(), SampleModels.config(root, "evaluate.age-labels=" + ages));
        assertThat(table4()).hasSize(4);
        assertThat(spark.read().parquet(root.resolve("reports/table5").toString()).count()).isEqualTo(5 * 3);
        Map<String, Long> elderClips = new LinkedHashMap<>();
        for (Row r : spark.read().parquet(root.resolve("reports/table6").toString()).collectAsList()) {
            assertThat(r.<String>getAs("group")).isIn("young", "mid-age", "elder", "total");
            if (r.<String>getAs("group").equals("elder")) {
                elderClips.put(r.getAs("model"), r.getAs("clips"));
            }
        }
        // test speakers: GJtRd8oSJ_l (78, elder, 3 clips), Pq09OIvEzwj (33, young, 2 clips)
        assertThat(elderClips).containsEntry("original", 3L).containsEntry("face-to-face", 3L).containsEntry("male", 3L);
        assertThat(Files.readString(root.resolve("reports/table6.md"))).contains("| Model | Young | Mid-age | Elder | Total |");
        assertThat(again.notes()).anyMatch(n -> n.startsWith("Recogniser age: logistic regression"));
        Path empty = Files.createTempDirectory("s2f-evaluate-empty");
        assertThatThrownBy(() -> TestSpark.run(spark, new EvaluateJob(), SampleModels.config(empty)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("There is no trained face decoder under file:" + empty.resolve("models/decoder/default")
                        + "; run train-decoder first.");
        RunReport dry = new EvaluateJob().run(new org.speech2face.jobs.JobContext(spark, SampleModels.config(empty),
                "dry", true, java.util.OptionalLong.empty()));
        assertThat(dry.notes()).anyMatch(n -> n.startsWith("A real run would stop here: There is no trained face decoder"));
        assertThat(Files.exists(empty.resolve("reports"))).isFalse();
    }
}
