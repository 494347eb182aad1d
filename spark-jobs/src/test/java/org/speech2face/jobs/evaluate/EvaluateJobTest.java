package org.speech2face.jobs.evaluate;

import org.speech2face.testing.Tables;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.config.S2fConfig;
import org.speech2face.faceapi.FaceApiModels;
import org.speech2face.faceapi.RgbImage;
import org.speech2face.faceapi.nets.AgeGenderNet;
import org.speech2face.faceapi.nets.FaceDescriptorNet;
import org.speech2face.contracts.TensorColumn;
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
 * non-prior, neutral+fc and male encoders that train-decoder and train-encoder made ({@link SampleModels}). Table 4,
 * its prior-only row, the independent recogniser's cosine and Recall@K, and Table 5's face-api verdicts are
 * recomputed here from the checkpoints' own graphs, face-api's networks and plain loops over the vectors.
 */
@Tag("slow")
@ExtendWith(SharedSpark.class)
class EvaluateJobTest {
    static SparkSession spark;
    static Path root;
    static S2fConfig cfg;
    static RunReport report;
    static String firstTable6;
    static List<Row> firstTable5;
    static String firstTable5Md;
    static Path models;
    static String skipped;

    @BeforeEach // a skip in @BeforeAll would be reported as no test at all
    void weights() {
        if (skipped != null) {
            Assumptions.abort(skipped);
        }
    }

    @BeforeAll
    static void evaluate() throws Exception {
        try {
            models = FaceApiModels.dir();
        } catch (org.opentest4j.TestAbortedException e) {
            skipped = e.getMessage();
            return;
        }
        spark = SharedSpark.session();
        Path models = SampleModels.root(spark);
        root = Files.createTempDirectory("s2f-evaluate");
        TestSpark.copyTree(models, root); // a private copy: the generate tests read the shared one
        cfg = SampleModels.config(root);
        report = TestSpark.run(spark, new EvaluateJob(), cfg);
        // a later test reruns evaluate with age labels and the other recogniser
        firstTable6 = Files.readString(root.resolve("reports/table6.md"));
        firstTable5 = Tables.read(spark, root.resolve("reports/table5").toString()).collectAsList();
        firstTable5Md = Files.readString(root.resolve("reports/table5.md"));
    }


    static Map<String, Row> table4() {
        Map<String, Row> out = new LinkedHashMap<>();
        for (Row r : Tables.read(spark, root.resolve("reports/table4").toString()).collectAsList()) {
            out.put(r.getAs("model"), r);
        }
        return out;
    }

    @Test
    void table4HasTheFaceToFaceRowAndOneRowPerTrainedVariant() {
        Map<String, Row> t = table4();
        assertThat(t.keySet()).containsExactlyInAnyOrder("face-to-face", "prior-only", "non-prior", "neutral+fc", "male");
        assertThat(t.get("prior-only").<Long>getAs("clips")).as("every test voice has a predicted gender").isEqualTo(5);
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
        for (Row r : Tables.read(spark, root.resolve("priors").toString()).filter(col("name").equalTo("neutral"))
                .collectAsList()) {
            if (r.<Integer>getAs("n") > largest) {
                largest = r.getAs("n");
                neutral = PriorsDataset.feature(r);
            }
        }
        List<Row> test = Tables.read(spark, root.resolve("face_features").toString()).filter(col("split").equalTo("test"))
                .join(Tables.read(spark, root.resolve("spectrograms").toString()).select("clip_id", "spec"), "clip_id")
                .collectAsList();
        double[] sums = new double[6];
        for (Row r : test) {
            float[] ff = FaceFeaturesDataset.fc7(r);
            INDArray spec = Nd4j.create(SpectrogramInput.channelsFirst(TensorColumn.read(r, "spec", 598, 257,
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

    /** The test clips with Ff, the spectrogram, the crop and the predicted voice gender, as evaluate joins them. */
    static List<Row> testClips() {
        return Tables.read(spark, root.resolve("face_features").toString()).filter(col("split").equalTo("test"))
                .join(Tables.read(spark, root.resolve("spectrograms").toString()).select("clip_id", "spec"), "clip_id")
                .join(Tables.read(spark, root.resolve("faces").toString()).select("clip_id", "image"), "clip_id")
                .join(Tables.read(spark, root.resolve("gender").toString()).select("clip_id", "predicted"), "clip_id")
                .collectAsList();
    }

    /** The prior of the largest n of one name in priors/. */
    static float[] largestPrior(String name) {
        float[] prior = null;
        int largest = 0;
        for (Row r : Tables.read(spark, root.resolve("priors").toString()).filter(col("name").equalTo(name))
                .collectAsList()) {
            if (r.<Integer>getAs("n") > largest) {
                largest = r.getAs("n");
                prior = PriorsDataset.feature(r);
            }
        }
        return prior;
    }

    static ComputationGraph checkpoint(String dir) throws Exception {
        return new Checkpoints(root.resolve(dir).toUri().toString(), new Configuration()).load(2).graph();
    }

    /** The generated face of a graph's output as evaluate hands it to face-api: 8-bit RGB at the decoder's side. */
    static RgbImage face(INDArray generated) {
        return RgbImage.fromUnitPlanes(generated.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data()
                .asFloat(), (int) generated.size(2));
    }

    @Test
    void priorOnlyAnswersEveryVoiceWithThePriorFaceOfItsPredictedGender() throws Exception {
        ComputationGraph decoder = checkpoint("models/decoder/default");
        List<Row> test = testClips();
        double[] sums = new double[6];
        for (Row r : test) {
            float[] ff = FaceFeaturesDataset.fc7(r);
            float[] prior = largestPrior(r.getAs("predicted"));
            INDArray gen = decoder.output(false, Nd4j.create(prior, new long[] {1, prior.length}, 'c'))[1];
            double[] a = plain(prior, ff);
            double[] b = plain(gen.toFloatVector(), ff);
            for (int i = 0; i < 3; i++) {
                sums[i] += a[i] / test.size();
                sums[3 + i] += b[i] / test.size();
            }
        }
        Row row = table4().get("prior-only");
        String[] cols = {"l1", "l2", "cos_deg", "l1_gen", "l2_gen", "cos_gen_deg"};
        for (int i = 0; i < 6; i++) {
            assertThat(row.<Double>getAs(cols[i])).as(cols[i]).isCloseTo(sums[i], within(1e-4 * Math.abs(sums[i]) + 1e-6));
        }
    }

    @Test
    void theIndependentRecogniserAndRecallAtKAreRecomputedFromThePixels() throws Exception {
        FaceDescriptorNet dlib = FaceDescriptorNet.load(models);
        ComputationGraph decoder = checkpoint("models/decoder/default");
        ComputationGraph encoder = checkpoint("models/encoder/neutral+fc");
        float[] neutral = largestPrior("neutral");
        List<Row> test = testClips();
        Map<String, double[]> gallerySums = new LinkedHashMap<>();
        Map<String, Integer> galleryCounts = new LinkedHashMap<>();
        List<float[]> generated = new ArrayList<>();
        List<float[]> priorFaces = new ArrayList<>();
        double cosSum = 0;
        for (Row r : test) {
            float[] real = dlib.describe(List.of(RgbImage.decode(r.getAs("image"), "crop")))[0];
            INDArray spec = Nd4j.create(SpectrogramInput.channelsFirst(TensorColumn.read(r, "spec", 598,
                    257, 2), 598, 257), new long[] {1, 2, 598, 257}, 'c');
            INDArray sf = encoder.output(false, spec, Nd4j.create(neutral, new long[] {1, 512}, 'c'))[0];
            float[] gen = dlib.describe(List.of(face(decoder.output(false, sf)[0])))[0];
            float[] prior = largestPrior(r.getAs("predicted"));
            priorFaces.add(dlib.describe(List.of(face(decoder.output(false, Nd4j.create(prior, new long[] {1, 512},
                    'c'))[0])))[0]);
            generated.add(gen);
            cosSum += Math.cos(Math.toRadians(plain(gen, real)[2]));
            double[] sum = gallerySums.computeIfAbsent(r.getAs("youtube_id"), k -> new double[128]);
            for (int i = 0; i < 128; i++) {
                sum[i] += real[i];
            }
            galleryCounts.merge(r.getAs("youtube_id"), 1, Integer::sum);
        }
        Row row = table4().get("neutral+fc");
        assertThat(row.<Double>getAs("rec_cos")).isCloseTo(cosSum / test.size(), within(1e-4));
        assertThat(row.<Integer>getAs("gallery_identities")).isEqualTo(2);
        assertThat(row.<Integer>getAs("recall_queries")).isEqualTo(5);
        assertThat(row.<Double>getAs("recall_1")).isCloseTo(top1(test, generated, gallerySums, galleryCounts),
                within(1e-12));
        assertThat(row.<Double>getAs("recall_5")).as("K >= N: every query is within the top 5").isEqualTo(1.0);
        assertThat(table4().get("prior-only").<Double>getAs("recall_1"))
                .isCloseTo(top1(test, priorFaces, gallerySums, galleryCounts), within(1e-12));
        System.out.printf("neutral+fc: dlib cos %.4f, R@1 %.3f; prior-only R@1 %.3f (chance 0.5)%n",
                row.<Double>getAs("rec_cos"), row.<Double>getAs("recall_1"),
                table4().get("prior-only").<Double>getAs("recall_1"));
    }

    /** The share of queries whose own identity's mean real descriptor is the most similar, by a plain loop. */
    private static double top1(List<Row> test, List<float[]> queries, Map<String, double[]> sums,
                               Map<String, Integer> counts) {
        int hits = 0;
        for (int q = 0; q < test.size(); q++) {
            String best = null;
            double bestCos = Double.NEGATIVE_INFINITY;
            for (Map.Entry<String, double[]> e : sums.entrySet()) {
                double dot = 0, nq = 0, ng = 0;
                for (int i = 0; i < 128; i++) {
                    double g = e.getValue()[i] / counts.get(e.getKey());
                    dot += queries.get(q)[i] * g;
                    nq += queries.get(q)[i] * (double) queries.get(q)[i];
                    ng += g * g;
                }
                double c = dot / Math.sqrt(nq * ng);
                if (c > bestCos) {
                    bestCos = c;
                    best = e.getKey();
                }
            }
            hits += test.get(q).getAs("youtube_id").equals(best) ? 1 : 0;
        }
        return hits / (double) test.size();
    }

    @Test
    void table5IsFaceApisVerdictOnTheRealAndTheGeneratedFaces() throws Exception {
        AgeGenderNet ageGender = AgeGenderNet.load(models);
        ComputationGraph decoder = checkpoint("models/decoder/default");
        List<String> labels = Files.readAllLines(TestSpark.SAMPLE.resolve("gender.csv"));
        long realCorrect = 0;
        long f2fCorrect = 0;
        List<Row> test = testClips();
        for (Row r : test) {
            String label = labels.contains(r.getAs("youtube_id") + ",male") ? "male" : "female";
            boolean real = ageGender.predict(List.of(RgbImage.decode(r.getAs("image"), "crop"))).get(0).male();
            float[] ff = FaceFeaturesDataset.fc7(r);
            boolean f2f = ageGender.predict(List.of(face(decoder.output(false, Nd4j.create(ff, new long[] {1, 512},
                    'c'))[0]))).get(0).male();
            realCorrect += real == label.equals("male") ? 1 : 0;
            f2fCorrect += f2f == label.equals("male") ? 1 : 0;
        }
        Map<String, Row> total = new LinkedHashMap<>();
        for (Row r : firstTable5) {
            if (r.<String>getAs("group").equals("total")) {
                total.put(r.getAs("model"), r);
            }
        }
        assertThat(total.get("original").<Long>getAs("correct")).isEqualTo(realCorrect);
        assertThat(total.get("face-to-face").<Long>getAs("correct")).isEqualTo(f2fCorrect);
        System.out.printf("face-api gender on real test faces %d/%d, on Face-to-Face %d/%d%n", realCorrect,
                test.size(), f2fCorrect, test.size());
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
        for (Row r : firstTable5) {
            (r.<String>getAs("group").equals("total") ? total : r.<String>getAs("group").equals("male") ? male
                    : new LinkedHashMap<String, Row>()).put(r.getAs("model"), r);
            assertThat(r.<Long>getAs("correct")).isBetween(0L, r.<Long>getAs("clips"));
        }
        assertThat(total.keySet()).containsExactlyInAnyOrder("original", "face-to-face", "prior-only", "non-prior",
                "neutral+fc", "male");
        assertThat(total.get("original").<Long>getAs("clips")).isEqualTo(5);
        assertThat(male.get("original").<Long>getAs("clips")).isEqualTo(3);
        assertThat(total.get("male").<Long>getAs("clips")).isEqualTo(3);
        Row f2f = total.get("face-to-face");
        assertThat(f2f.<Double>getAs("accuracy")).isCloseTo(f2f.<Long>getAs("correct") / 5.0, within(1e-12));
        assertThat(firstTable5Md).contains("| Model | Male | Female | Total |")
                .contains("Original face").contains("face-api's pretrained age and gender network")
                .contains("Prior only");
        assertThat(firstTable6).contains("not available")
                .contains("evaluate.age-labels = none");
    }

    @Test
    void markdownAndJsonReportsAndTheRunReportHoldTable4() throws Exception {
        String md = Files.readString(root.resolve("reports/table4.md"));
        assertThat(md).contains("| Model | L1 | L2 | Cos(deg) | L1' | L2' | Cos'(deg) | dlib cos | R@1 | R@5 | R@10 |")
                .contains("| Model | L1 | L2 | Cos(deg) | L1' | L2' | Cos'(deg) |\n") // the paper's, below ours
                .contains("Face-to-Face (5 clips").contains("| male (3 clips, epoch 2) |").contains("126.524")
                .contains("not divided by the dimension")
                .contains("| Chance (guessing among 2 identities) | - | - | - | - | - | - | - | 0.500 | 1.000 | 1.000 |")
                .contains("Prior only (gender's prior face) (5 clips");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(root.resolve("reports/table4.json").toFile());
        assertThat(json.get("dim").asInt()).isEqualTo(512);
        List<String> models = new ArrayList<>();
        json.get("rows").forEach(r -> models.add(r.get("model").asText()));
        assertThat(models).containsExactly("face-to-face", "prior-only", "non-prior", "neutral+fc", "male");
        assertThat(json.get("rows").get(0).get("l1").isNull()).isTrue();
        assertThat(json.get("rows").get(3).get("cos_gen_deg").asDouble())
                .isEqualTo(table4().get("neutral+fc").<Double>getAs("cos_gen_deg"));
        assertThat(json.get("chance").get("recall_1").asDouble()).isEqualTo(0.5);
        assertThat(json.get("gallery_identities").asInt()).isEqualTo(2);
        assertThat(json.get("paper").get(2).get("cos_deg").asDouble()).isEqualTo(15.204);
        var t5 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(root.resolve("reports/table5.json").toFile());
        assertThat(t5.get("available").asBoolean()).isTrue();
        assertThat(t5.get("rows")).hasSize(6 * 3);
        assertThat(Files.readString(root.resolve("reports/_reports/" + report.runId() + ".md"))).contains("Table 4")
                .contains("Table 5").contains("Table 6 is not available");
        assertThat(Tables.read(spark, root.resolve("reports/clip_scores").toString()).count())
                .isEqualTo(5 + 5 + 5 + 5 + 5 + 3);
    }

    @Test
    void figuresAreDrawnWithOneRowPerModelAndGreyCellsWhereAVariantDoesNotGo() throws Exception {
        BufferedImage fig6 = ImageIO.read(root.resolve("reports/figures/fig6_faces.png").toFile());
        List<String> rows = List.of("Original", "Face-to-Face", "Prior only (gender's prior face)", "non-prior",
                "neutral+fc", "male");
        FaceGridFigure.Layout at = FaceGridFigure.layout(rows, 5, EvaluationFigures.CELL);
        assertThat(fig6.getWidth()).isEqualTo(at.width());
        assertThat(fig6.getHeight()).isEqualTo(at.height());
        List<String> clips = new ArrayList<>(EvaluateJob.figureClips(Tables.read(spark, 
                root.resolve("face_features").toString()).filter(col("split").equalTo("test")), cfg.evaluate()));
        assertThat(clips).hasSize(5);
        int half = EvaluationFigures.CELL / 2;
        for (int c = 0; c < clips.size(); c++) {
            boolean femaleVoice = clips.get(c).startsWith("Pq09OIvEzwj");
            int male = fig6.getRGB(at.x(c) + half, at.y(5) + half) & 0xFFFFFF;
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
        RunReport again = TestSpark.run(spark, new EvaluateJob(), SampleModels.config(root, "evaluate.age-labels=" + ages,
                "evaluate.recogniser.kind=logistic-fc7"));
        assertThat(table4()).hasSize(5);
        assertThat(Tables.read(spark, root.resolve("reports/table5").toString()).count()).isEqualTo(6 * 3);
        Map<String, Long> elderClips = new LinkedHashMap<>();
        for (Row r : Tables.read(spark, root.resolve("reports/table6").toString()).collectAsList()) {
            assertThat(r.<String>getAs("group")).isIn("young", "mid-age", "elder", "total");
            if (r.<String>getAs("group").equals("elder")) {
                elderClips.put(r.getAs("model"), r.getAs("clips"));
            }
        }
        // test speakers: GJtRd8oSJ_l (78, elder, 3 clips), Pq09OIvEzwj (33, young, 2 clips)
        assertThat(elderClips).containsEntry("original", 3L).containsEntry("face-to-face", 3L).containsEntry("male", 3L)
                .containsEntry("prior-only", 3L);
        assertThat(Files.readString(root.resolve("reports/table6.md"))).contains("| Model | Young | Mid-age | Elder | Total |");
        assertThat(again.notes()).anyMatch(n -> n.startsWith("Recogniser age: logistic regression")
                && n.contains("on Ff (" + SampleModels.VGGFACE_ID + ")"));
        assertThat(Files.readString(root.resolve("reports/table5.md"))).contains("logistic regression");
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
