package org.speech2face.jobs.features;

import org.speech2face.testing.Tables;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.extension.ExtendWith;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.Split;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.testing.TensorFiles;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.models.ExecutorModels;
import org.speech2face.model.io.VggFaceWeights;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.VggFace;
import org.speech2face.video.AreaResizeReference;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.jobs.JobTestSupport.config;
import static org.speech2face.jobs.JobTestSupport.dataFiles;
import static org.speech2face.jobs.JobTestSupport.run;

/**
 * face-features on faces cut from the sample's photos plus one face whose image bytes are garbage: real PNGs, the
 * real (tiny, random-weight) VGGFace, Spark local mode. One session; the first run is shared by the tests.
 */
@ExtendWith(SharedSpark.class)
class FaceFeaturesJobTest {
    static final Path PHOTOS = Path.of("../samples/avspeech-sample/photos").toAbsolutePath().normalize();
    static final String BAD = "zzzzzzzzzzz_0";

    static SparkSession spark;
    static Path root;
    static S2fConfig cfg;
    static RunReport first;
    static int loadsInFirstRun;

    @BeforeAll
    static void writeFacesAndExtract() throws Exception {
        root = Files.createTempDirectory("s2f-ff");
        // A seed no other test class uses: the executor cache lives as long as the test JVM.
        cfg = config(root, "features { batch-size = 3, partitions = 2 }\nvggface.weights = \"random:4242\"");
        spark = SharedSpark.session();
        writeFaces(spark, root);
        int before = ExecutorModels.loads(FaceFeaturesJob.MODEL_KIND);
        first = run(spark, new FaceFeaturesJob(), cfg);
        loadsInFirstRun = ExecutorModels.loads(FaceFeaturesJob.MODEL_KIND) - before;
    }


    /** Six faces (three photos, each also mirrored), 224x224 PNG, and one row whose image is not an image. */
    static void writeFaces(SparkSession spark, Path root) throws IOException {
        List<Row> rows = new ArrayList<>();
        int k = 0;
        for (String photo : new String[]{"obama.jpg", "biden.jpg", "astronaut.jpg"}) {
            BufferedImage src = ImageIO.read(PHOTOS.resolve(photo).toFile());
            for (boolean mirror : new boolean[]{false, true}) {
                String id = String.format("face%06dx", k++);
                rows.add(face(id + "_0", id, png(square(src, mirror))));
            }
        }
        rows.add(face(BAD, "zzzzzzzzzzz", "this is not a PNG".getBytes()));
        spark.createDataFrame(rows, FacesDataset.SCHEMA).write().format("delta").save(root.resolve("faces").toString());
    }

    static Row face(String clipId, String youtubeId, byte[] image) {
        return RowFactory.create(clipId, youtubeId, Split.of(youtubeId, 0.8, 0.1).code(), 0.0,
                RowFactory.create(0, 0, 224, 224), "test", 1.0, image, 224, 224);
    }

    static BufferedImage square(BufferedImage src, boolean mirror) {
        int side = Math.min(src.getWidth(), src.getHeight());
        BufferedImage out = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        int x0 = (src.getWidth() - side) / 2;
        int y0 = (src.getHeight() - side) / 2;
        if (mirror) {
            g.drawImage(src, 224, 0, 0, 224, x0, y0, x0 + side, y0 + side, null);
        } else {
            g.drawImage(src, 0, 0, 224, 224, x0, y0, x0 + side, y0 + side, null);
        }
        g.dispose();
        return out;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void everyFaceIsWrittenOrRejectedAndTheCountsAddUp() {
        assertThat(first.count(KeyedStageJob.Counts.ROWS_IN)).isEqualTo(7);
        assertThat(first.count(KeyedStageJob.Counts.WRITTEN)).isEqualTo(6);
        assertThat(first.count(KeyedStageJob.Counts.REJECTED)).isEqualTo(1);
        assertThat(first.count(KeyedStageJob.Counts.UNCHANGED) + first.count(KeyedStageJob.Counts.WRITTEN) + first.count(KeyedStageJob.Counts.REJECTED))
                .isEqualTo(first.count(KeyedStageJob.Counts.ROWS_IN));
        assertThat(first.rejectsByReason()).containsExactly(Map.entry("undecodable_image", 1L));
        List<Row> rejects = Tables.rejects(spark, root, "face-features").collectAsList();
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0).<String>getAs("row_or_clip")).isEqualTo(BAD);
        assertThat(rejects.get(0).<String>getAs("reason_code")).isEqualTo("undecodable_image");
        assertThat(rejects.get(0).<String>getAs("message")).contains("17 bytes").contains("not a PNG");
        assertThat(first.notes()).anyMatch(n -> n.contains("random:4242/tiny") && n.contains("randomly initialised"));
        assertThat((double) first.figures().get("faces_per_second")).isPositive();
    }

    @Test
    void theNetworkIsLoadedOncePerJvmForAllPartitionsAndBatches() {
        assertThat(loadsInFirstRun).isEqualTo(1);
    }

    /**
     * The stored features against an independent path: Java's PNG decoder, the area-average resize written out in
     * the test, the same random graph; fc8 against relu(fc7) W + b in double, which only holds if fc7 is stored
     * before its ReLU, and fc7 must have negative values.
     */
    @Test
    void featuresAreFc7BeforeReluAndFc8OfAReferenceForwardPass() throws Exception {
        Dataset<Row> ff = Tables.read(spark, root.resolve("face_features").toString());
        assertThat(ff.columns()).contains("clip_id", "youtube_id", "split", "fc7", "fc8", "vggface_id");
        TensorFiles.assertFloatList(ff, root.resolve("face_features"), FaceFeaturesDataset.SCHEMA, "fc7");
        TensorFiles.assertFloatList(ff, root.resolve("face_features"), FaceFeaturesDataset.SCHEMA, "fc8");
        ModelProfile tiny = ModelProfile.TINY;
        Row r = ff.filter("clip_id = 'face000000x_0'").first();
        assertThat(r.<String>getAs("vggface_id")).isEqualTo("random:4242/tiny");
        float[] fc7 = FaceFeaturesDataset.fc7(r);
        float[] fc8 = FaceFeaturesDataset.fc8(r);
        assertThat(fc7).hasSize(tiny.featureDim());
        assertThat(fc8).hasSize(tiny.identities());

        Row face = Tables.read(spark, root.resolve("faces").toString()).filter("clip_id = 'face000000x_0'").first();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(face.getAs("image")));
        float[] pixels = AreaResizeReference.rgbChannelsFirst(img, tiny.faceSize());
        ComputationGraph g = VggFaceWeights.random(4242, tiny).graph();
        INDArray[] out = g.output(Nd4j.create(pixels, new long[]{1, 3, tiny.faceSize(), tiny.faceSize()}, 'c'));
        float[] ref7 = out[0].toFloatVector();
        double scale = 0;
        double err = 0;
        int negative = 0;
        for (int i = 0; i < fc7.length; i++) {
            scale = Math.max(scale, Math.abs(ref7[i]));
            err = Math.max(err, Math.abs(ref7[i] - fc7[i]));
            negative += fc7[i] < 0 ? 1 : 0;
        }
        assertThat(err).isLessThan(0.02 * scale); // the reference skips OpenCV's rounding of resized pixels to 8 bits
        assertThat(negative).as("fc7 values below zero (before ReLU)").isGreaterThan(fc7.length / 10);

        INDArray w = g.getLayer(VggFace.FC8).getParam("W");
        INDArray b = g.getLayer(VggFace.FC8).getParam("b");
        double maxErr = 0;
        double maxAbs = 0;
        for (int j = 0; j < fc8.length; j++) {
            double s = b.getDouble(j);
            for (int i = 0; i < fc7.length; i++) {
                s += Math.max(0, fc7[i]) * w.getDouble(i, j);
            }
            maxErr = Math.max(maxErr, Math.abs(s - fc8[j]));
            maxAbs = Math.max(maxAbs, Math.abs(s));
        }
        assertThat(maxErr).isLessThan(1e-4 * maxAbs);
    }

    @Test
    void aSecondRunWritesNothingNew() throws Exception {
        Set<Path> before = dataFiles(root.resolve("face_features"));
        RunReport again = run(spark, new FaceFeaturesJob(), cfg);
        assertThat(again.count(KeyedStageJob.Counts.WRITTEN)).isZero();
        assertThat(again.count(KeyedStageJob.Counts.REJECTED)).isZero();
        assertThat(again.count(KeyedStageJob.Counts.UNCHANGED)).isEqualTo(7);
        assertThat(dataFiles(root.resolve("face_features"))).isEqualTo(before);
    }

    /**
     * A run killed before its MERGE commits nothing (Delta commits are atomic) and leaves only its staging folder.
     * The next run deletes leftovers older than a day and names them, but keeps a recent one: it may belong to a
     * run still going on the same data root.
     */
    @Test
    void theNextRunClearsTheStagingOfLongDeadRunsOnly() throws Exception {
        Path staging = root.resolve("_staging").resolve("face-features");
        Path dead = staging.resolve("killed-yesterday");
        Path recent = staging.resolve("maybe-running");
        Files.createDirectories(dead.resolve("data"));
        Files.writeString(dead.resolve("data").resolve("part-0.parquet"), "partial");
        Files.setLastModifiedTime(dead, FileTime.from(Instant.now().minus(Duration.ofHours(30))));
        Files.createDirectories(recent.resolve("data"));
        Set<Path> before = dataFiles(root.resolve("face_features"));

        RunReport next = run(spark, new FaceFeaturesJob(), cfg);

        assertThat(next.notes()).anyMatch(n -> n.contains("killed-yesterday") && n.contains("before committing"));
        assertThat(next.notes()).noneMatch(n -> n.contains("maybe-running"));
        assertThat(dead).doesNotExist();
        assertThat(recent).exists();
        assertThat(next.count(KeyedStageJob.Counts.UNCHANGED)).isEqualTo(7);
        assertThat(dataFiles(root.resolve("face_features"))).isEqualTo(before);
    }

    @Test
    void otherWeightsReplaceTheOldFeaturesWithoutDuplicates() throws Exception {
        Path other = Files.createTempDirectory("s2f-ff2");
        writeFaces(spark, other);
        run(spark, new FaceFeaturesJob(), config(other, ""));
        RunReport swapped = run(spark, new FaceFeaturesJob(), config(other, "", "vggface.weights=random:7"));
        assertThat(swapped.count(KeyedStageJob.Counts.STALE_REPLACED)).isEqualTo(6);
        assertThat(swapped.count(KeyedStageJob.Counts.WRITTEN)).isEqualTo(6);
        assertThat(swapped.count(KeyedStageJob.Counts.UNCHANGED)).isEqualTo(1); // the reject stands
        List<Row> rows = Tables.read(spark, other.resolve("face_features").toString()).collectAsList();
        assertThat(rows).hasSize(6);
        assertThat(rows.stream().map(r -> r.<String>getAs("vggface_id")).collect(Collectors.toSet()))
                .containsExactly("random:7/tiny");
    }

    @Test
    void missingWeightsFileStopsTheJobWithTheKey() throws IOException {
        S2fConfig bad = config(root, "", "vggface.weights=/nowhere/vgg.zip");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(spark, new FaceFeaturesJob(), bad))
                .hasMessageContaining("/nowhere/vgg.zip").hasMessageContaining("vggface.weights");
    }
}
