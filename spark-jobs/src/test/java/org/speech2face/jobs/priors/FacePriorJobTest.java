package org.speech2face.jobs.priors;

import org.speech2face.testing.Tables;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.extension.ExtendWith;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.SeededSample;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.jobs.report.RunReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.speech2face.jobs.JobTestSupport.config;
import static org.speech2face.jobs.JobTestSupport.run;

/**
 * face-prior on synthetic fc7 vectors, checked against means taken directly in the test: the draw re-done in plain
 * Java from the documented order, sums in double over the drawn vectors in draw order.
 */
@ExtendWith(SharedSpark.class)
class FacePriorJobTest {
    static final int DIM = 24;
    static final String WEIGHTS_ID = "random:42/tiny";
    static SparkSession spark;
    /** Train faces' fc7 and predicted / labelled gender, by clip_id. */
    static final Map<String, float[]> TRAIN = new LinkedHashMap<>();
    static final Map<String, String> PREDICTED = new LinkedHashMap<>();
    static final Map<String, String> LABELLED = new LinkedHashMap<>();

    @BeforeAll
    static void startSpark() throws IOException {
        spark = SharedSpark.session();
        Random r = new Random(3);
        for (int i = 0; i < 300; i++) {
            String clip = String.format("spk%08d_%d", i, 1000 * i);
            boolean male = r.nextDouble() < 0.6;
            float[] f = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                f[d] = (float) (r.nextGaussian() * 2 + (male ? 1 : -1) * (d % 3));
            }
            TRAIN.put(clip, f);
            PREDICTED.put(clip, male ? "male" : "female");
            LABELLED.put(clip.substring(0, 11), i % 7 == 0 ? (male ? "female" : "male") : (male ? "male" : "female"));
        }
    }


    /** face_features/ (the train faces, 20 val faces and 30 train faces of other weights) and gender/. */
    static Path inputs() throws IOException {
        Path root = Files.createTempDirectory("s2f-priors");
        List<Row> features = new ArrayList<>();
        List<Row> gender = new ArrayList<>();
        TRAIN.forEach((clip, f) -> {
            features.add(FaceFeaturesDataset.toRow(clip, clip.substring(0, 11), "train", f, new float[2], WEIGHTS_ID));
            gender.add(GenderDataset.toRow(clip, clip.substring(0, 11), "train",
                    PREDICTED.get(clip).equals("male") ? 0.9 : 0.1, "m1"));
        });
        for (int i = 0; i < 50; i++) {
            float[] far = new float[DIM];
            java.util.Arrays.fill(far, 1000f); // would show in any mean that wrongly includes them
            String clip = String.format("oth%08d_0", i);
            features.add(FaceFeaturesDataset.toRow(clip, clip.substring(0, 11), i < 20 ? "val" : "train", far,
                    new float[2], i < 20 ? WEIGHTS_ID : "random:1/tiny"));
        }
        spark.createDataFrame(features, FaceFeaturesDataset.SCHEMA).write().format("delta").save(root.resolve("face_features").toString());
        spark.createDataFrame(gender, GenderDataset.SCHEMA).write().format("delta").save(root.resolve("gender").toString());
        StringBuilder csv = new StringBuilder("youtube_id,gender\n");
        LABELLED.forEach((id, g) -> csv.append(id).append(',').append(g).append('\n'));
        Files.writeString(root.resolve("labels.csv"), csv);
        return root;
    }

    static S2fConfig cfg(Path root, String... sets) throws IOException {
        return config(root, "priors.n = [10, 50, 100, 250, 1000]\ngender.labels = \"" + root.resolve("labels.csv") + "\"",
                sets);
    }

    /** The first n of {@code members} in the seeded order, averaged in double. */
    static double[] referenceMean(List<String> members, long seed, int n) {
        List<String> order = new ArrayList<>(members);
        order.sort(Comparator.comparingLong((String c) -> SeededSample.key(seed, c)).thenComparing(c -> c));
        double[] sum = new double[DIM];
        for (String c : order.subList(0, n)) {
            float[] f = TRAIN.get(c);
            for (int d = 0; d < DIM; d++) {
                sum[d] += f[d];
            }
        }
        for (int d = 0; d < DIM; d++) {
            sum[d] /= n;
        }
        return sum;
    }

    static Map<String, float[]> priors(Path root) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Row r : Tables.read(spark, root.resolve("priors").toString()).collectAsList()) {
            out.put(r.getAs("name") + "@" + r.getAs("n"), PriorsDataset.feature(r));
        }
        return out;
    }

    static List<String> members(Map<String, String> genders, String name, boolean byVideo) {
        List<String> out = new ArrayList<>();
        for (String clip : TRAIN.keySet()) {
            String g = genders.get(byVideo ? clip.substring(0, 11) : clip);
            if (name.equals("neutral") || name.equals(g)) {
                out.add(clip);
            }
        }
        return out;
    }

    @Test
    void priorsAreMeansOfTheSeededDrawAndTable1RowsAreTheirL1() throws Exception {
        Path root = inputs();
        RunReport report = run(spark, new FacePriorJob(), cfg(root, "priors.seed=5"));
        Map<String, float[]> priors = priors(root);
        int males = members(PREDICTED, "male", false).size();
        int females = 300 - males;
        assertThat(report.count(FacePriorJob.Counts.TRAIN_FACES)).isEqualTo(300);
        assertThat(report.count(FacePriorJob.Counts.TRAIN_MALE)).isEqualTo(males);
        assertThat(report.count(FacePriorJob.Counts.FEATURES_OF_OTHER_WEIGHTS)).isEqualTo(30);
        Map<String, int[]> expectedCounts = Map.of("neutral", new int[]{10, 50, 100, 250, 300},
                "male", new int[]{10, 50, 100, males}, "female", new int[]{10, 50, 100, females});
        assertThat(priors).hasSize(13);
        Map<String, Double> l1 = new LinkedHashMap<>();
        for (Row r : Tables.read(spark, root.resolve("prior_convergence").toString()).collectAsList()) {
            l1.put(r.getAs("name") + "@" + r.getAs("n1") + "/" + r.getAs("n2"), r.getAs("l1"));
            assertThat((double) r.getAs("l1_per_dim")).isCloseTo(r.<Double>getAs("l1") / DIM, within(1e-12));
        }
        assertThat(l1).hasSize(10);
        for (Map.Entry<String, int[]> e : expectedCounts.entrySet()) {
            List<String> members = members(PREDICTED, e.getKey(), false);
            double[] previous = null;
            int previousN = 0;
            for (int n : e.getValue()) {
                double[] ref = referenceMean(members, 5, n);
                float[] got = priors.get(e.getKey() + "@" + n);
                assertThat(got).as(e.getKey() + " n=" + n).isNotNull();
                for (int d = 0; d < DIM; d++) {
                    assertThat((double) got[d]).isCloseTo(ref[d], within(1e-6 * Math.max(1, Math.abs(ref[d]))));
                }
                if (previous != null) {
                    double expected = 0;
                    for (int d = 0; d < DIM; d++) {
                        expected += Math.abs(ref[d] - previous[d]);
                    }
                    assertThat(l1.get(e.getKey() + "@" + n + "/" + previousN)).isCloseTo(expected,
                            within(1e-9 * expected));
                }
                previous = ref;
                previousN = n;
            }
        }
        assertThat(report.tables().get(0).get("title").toString()).startsWith("Table 1");
        assertThat(Files.readString(root.resolve("priors/_reports/latest.md"))).contains("| neutral | 50 | 10 |");
    }

    @Test
    void theSameSeedGivesTheSamePriorsAndAnotherSeedAnotherDraw() throws Exception {
        Path root = inputs();
        run(spark, new FacePriorJob(), cfg(root, "priors.seed=5"));
        Map<String, float[]> first = priors(root);
        run(spark, new FacePriorJob(), cfg(root, "priors.seed=5"));
        Map<String, float[]> again = priors(root);
        assertThat(again.keySet()).isEqualTo(first.keySet()); // replaced, not appended
        first.forEach((k, v) -> assertThat(again.get(k)).as(k).containsExactly(v));
        assertThat(Tables.read(spark, root.resolve("priors").toString()).count()).isEqualTo(13);

        run(spark, new FacePriorJob(), cfg(root, "priors.seed=6"));
        Map<String, float[]> other = priors(root);
        assertThat(other.get("neutral@10")).isNotEqualTo(first.get("neutral@10"));
        double[] ref = referenceMean(members(PREDICTED, "neutral", false), 6, 10);
        assertThat((double) other.get("neutral@10")[0]).isCloseTo(ref[0], within(1e-5));
        for (int d = 0; d < DIM; d++) { // all 300 faces: the same set whatever the order
            assertThat(other.get("neutral@300")[d]).isCloseTo(first.get("neutral@300")[d], within(1e-5f));
        }
    }

    @Test
    void genderedPriorsCanComeFromTheLabels() throws Exception {
        Path root = inputs();
        RunReport report = run(spark, new FacePriorJob(), cfg(root, "priors.gender-from=labels", "priors.n=[10, 1000]"));
        List<String> males = members(LABELLED, "male", true);
        assertThat(report.count(FacePriorJob.Counts.TRAIN_MALE)).isEqualTo(males.size());
        double[] ref = referenceMean(males, 2020, males.size());
        float[] got = priors(root).get("male@" + males.size());
        for (int d = 0; d < DIM; d++) {
            assertThat((double) got[d]).isCloseTo(ref[d], within(1e-6 * Math.max(1, Math.abs(ref[d]))));
        }
        assertThat(report.figures().get("gender_from")).isEqualTo("labels");
    }
}
