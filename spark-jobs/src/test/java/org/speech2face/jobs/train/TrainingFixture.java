package org.speech2face.jobs.train;

import org.speech2face.testing.Tables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.JobTestSupport;
import org.speech2face.jobs.features.FaceFeaturesJob;
import org.speech2face.jobs.ingest.IngestAudioJob;
import org.speech2face.jobs.ingest.IngestFacesJob;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.jobs.priors.FacePriorJob;
import org.speech2face.testing.TestSpark;

/**
 * The inputs of the training jobs, made once per test JVM by the real earlier stages on the bundled sample:
 * ingest-faces, ingest-audio, face-features (random:42 tiny VGGFace) and face-prior (genders from the sample's
 * labels). gender/ is written from the same labels, as predictions of a perfect classifier, so the gendered encoder
 * variants have their input without training one. Each test gets its own copy of the data root.
 */
final class TrainingFixture {
    static final Path LABELS = TestSpark.SAMPLE.resolve("gender.csv");
    private static final List<Path> CREATED = new ArrayList<>();
    private static Path built;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TrainingFixture::deleteAll, "s2f-training-fixture-cleanup"));
    }

    private TrainingFixture() {
    }

    /** A fresh copy of the prepared data root, built with {@code spark} on first use. */
    static synchronized Path copy(SparkSession spark) throws Exception {
        if (built == null) {
            built = build(spark);
        }
        Path to = created(Files.createTempDirectory("s2f-train"));
        try (Stream<Path> all = Files.walk(built)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(built.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    /** The test config for {@code root}: the sample, local[2] (unless overridden), tiny training, plus {@code sets}. */
    static S2fConfig config(Path root, String... sets) throws IOException {
        return JobTestSupport.config(root, "input.csv = \"" + TestSpark.SAMPLE.resolve("avspeech.csv") + "\"\n"
                + "input.videos = \"" + TestSpark.SAMPLE.resolve("videos") + "\"\n"
                + "gender.labels = \"" + LABELS + "\"\npriors.gender-from = labels\npriors.n = [2, 4, 100]\n"
                + "ingest.faces.frames-per-segment = 1\n"
                + "training { epochs = 3, batch-per-worker = 4, averaging-frequency = 1, prefetch = 1 }", sets);
    }

    private static synchronized Path created(Path dir) {
        CREATED.add(dir);
        return dir;
    }

    /** The data roots are some tens of MB each; they go when the test JVM does. */
    private static synchronized void deleteAll() {
        for (Path dir : CREATED) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | RuntimeException e) {
                // best effort at shutdown
            }
        }
    }

    private static Path build(SparkSession spark) throws Exception {
        Path root = created(Files.createTempDirectory("s2f-train-fixture"));
        S2fConfig cfg = config(root);
        JobTestSupport.run(spark, new IngestFacesJob(), cfg);
        JobTestSupport.run(spark, new IngestAudioJob(), cfg);
        JobTestSupport.run(spark, new FaceFeaturesJob(), cfg);
        JobTestSupport.run(spark, new FacePriorJob(), cfg);
        List<Row> gender = new ArrayList<>();
        for (Row r : Tables.read(spark, root.resolve("spectrograms").toString()).select("clip_id", "youtube_id", "split")
                .collectAsList()) {
            boolean male = Files.readAllLines(LABELS).contains(r.getString(1) + ",male");
            gender.add(GenderDataset.toRow(r.getString(0), r.getString(1), r.getString(2), male ? 0.9 : 0.1, "labels"));
        }
        spark.createDataFrame(gender, GenderDataset.SCHEMA).write().format("delta").save(root.resolve("gender").toString());
        return root;
    }
}
