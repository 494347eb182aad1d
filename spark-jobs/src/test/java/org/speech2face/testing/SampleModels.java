package org.speech2face.testing;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.FloatTensorCodec;
import org.speech2face.jobs.features.FaceFeaturesJob;
import org.speech2face.jobs.ingest.IngestAudioJob;
import org.speech2face.jobs.ingest.IngestFacesJob;
import org.speech2face.jobs.io.FaceFeaturesDataset;
import org.speech2face.jobs.io.GenderDataset;
import org.speech2face.jobs.io.PriorsDataset;
import org.speech2face.jobs.priors.FacePriorJob;
import org.speech2face.model.EncoderVariant;
import org.speech2face.model.ModelProfile;
import org.speech2face.model.Networks;
import org.speech2face.model.SpectrogramInput;
import org.speech2face.model.TrainingGraphs;
import org.speech2face.model.VariantPriors;
import org.speech2face.model.io.CheckpointMetadata;
import org.speech2face.model.io.Checkpoints;
import org.speech2face.model.io.EpochMetrics;
import org.speech2face.model.io.VggFaceWeights;
import org.speech2face.video.FacePixels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * The bundled sample taken through the real stages up to the priors (ingest-faces, ingest-audio, face-features with
 * the tiny random VGGFace, face-prior from the labels), then a tiny decoder and three encoder variants (non-prior,
 * neutral+fc, male) trained for two one-step epochs on the sample's train clips and saved with
 * {@link Checkpoints} and {@link EpochMetrics}, as train-decoder and train-encoder leave them. gender/ holds the
 * labels as predictions (what a perfect predict-gender would write). Built once per test JVM, shared by the
 * evaluate and generate tests; read-only for them.
 */
public final class SampleModels {
    public static final String VGGFACE_ID = "random:42/tiny";
    public static final List<String> VARIANTS = List.of("non-prior", "neutral+fc", "male");
    private static final ModelProfile TINY = ModelProfile.TINY;
    private static Path root;

    private SampleModels() {
    }

    /** The data root, built on first use with {@code spark}. */
    public static synchronized Path root(SparkSession spark) throws Exception {
        if (root == null) {
            Path dir = Files.createTempDirectory("s2f-sample-models");
            build(spark, dir);
            root = dir;
        }
        return root;
    }

    /** A config for the built root, with extra --set style overrides. */
    public static S2fConfig config(Path root, String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of("vggface.weights=random:42", "priors.gender-from=labels",
                "gender.labels=" + TestSpark.SAMPLE.resolve("gender.csv"), "priors.n=[2, 4, 8]"));
        all.addAll(List.of(sets));
        return TestSpark.config(root, TestSpark.SAMPLE.resolve("avspeech.csv"), TestSpark.SAMPLE.resolve("videos"),
                all.toArray(new String[0]));
    }

    /** The labels of the sample, by youtube_id. */
    public static Map<String, String> genderLabels() throws Exception {
        Map<String, String> out = new HashMap<>();
        for (String line : Files.readAllLines(TestSpark.SAMPLE.resolve("gender.csv"))) {
            String[] f = line.split(",");
            if (!f[0].equals("youtube_id")) {
                out.put(f[0], f[1]);
            }
        }
        return out;
    }

    private static void build(SparkSession spark, Path dir) throws Exception {
        S2fConfig cfg = config(dir);
        TestSpark.run(spark, new IngestFacesJob(), cfg);
        TestSpark.run(spark, new IngestAudioJob(), cfg);
        TestSpark.run(spark, new FaceFeaturesJob(), cfg);
        TestSpark.run(spark, new FacePriorJob(), cfg);
        Map<String, String> labels = genderLabels();
        List<Row> gender = new ArrayList<>();
        for (Row r : spark.read().parquet(dir.resolve("spectrograms").toString()).select("clip_id", "youtube_id", "split")
                .collectAsList()) {
            boolean male = "male".equals(labels.get(r.getString(1)));
            gender.add(GenderDataset.toRow(r.getString(0), r.getString(1), r.getString(2), male ? 0.9 : 0.1, "labels"));
        }
        spark.createDataFrame(gender, GenderDataset.SCHEMA).write().parquet(dir.resolve("gender").toString());
        train(spark, dir, labels);
    }

    private static void train(SparkSession spark, Path dir, Map<String, String> labels) throws Exception {
        Dataset<Row> train = spark.read().parquet(dir.resolve("face_features").toString())
                .filter(col("split").equalTo("train"))
                .join(spark.read().parquet(dir.resolve("faces").toString()).select("clip_id", "image"), "clip_id")
                .join(spark.read().parquet(dir.resolve("spectrograms").toString()).select("clip_id", "spec"), "clip_id")
                .orderBy("clip_id");
        List<float[]> ff = new ArrayList<>();
        List<float[]> faces = new ArrayList<>();
        List<float[]> specs = new ArrayList<>();
        List<Boolean> male = new ArrayList<>();
        for (Row r : train.collectAsList()) {
            ff.add(FaceFeaturesDataset.fc7(r));
            faces.add(FacePixels.rgbChannelsFirst(r.getAs("image"), TINY.faceSize()));
            specs.add(SpectrogramInput.channelsFirst(FloatTensorCodec.decode(r.getAs("spec"), 598, 257, 2), 598, 257));
            male.add("male".equals(labels.get(r.<String>getAs("youtube_id"))));
        }
        Configuration conf = new Configuration();
        ComputationGraph vgg = VggFaceWeights.random(42, TINY).graph();
        ComputationGraph decoder = new ComputationGraph(TrainingGraphs.decoder(TINY, Networks.paperAdam(),
                DataType.FLOAT, 1));
        decoder.init();
        TrainingGraphs.loadFrozenVggFace(decoder, vgg);
        INDArray ffArray = stack(ff, List.of(), TINY.featureDim());
        MultiDataSet faceBatch = new MultiDataSet(new INDArray[] {ffArray},
                new INDArray[] {stack(faces, List.of(), 3, 64, 64), ffArray});
        fitAndSave(decoder, faceBatch, dir, "decoder", "default");

        VariantPriors priors = priors(spark, dir);
        for (String id : VARIANTS) {
            EncoderVariant v = EncoderVariant.parse(id);
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                if (VariantPriors.covers(v, male.get(i) ? "male" : "female")) {
                    rows.add(i);
                }
            }
            ComputationGraph g = new ComputationGraph(TrainingGraphs.encoder(TINY, v.fusion(), Networks.paperAdam(),
                    DataType.FLOAT, 3));
            g.init();
            TrainingGraphs.loadFrozenLossLayers(g, decoder, vgg);
            List<INDArray> inputs = new ArrayList<>();
            inputs.add(stack(specs, rows, 2, 598, 257));
            if (v.fusion().usesPrior()) {
                List<float[]> p = new ArrayList<>();
                rows.forEach(i -> p.add(priors.forClip(v, male.get(i) ? "male" : "female")));
                inputs.add(stack(p, List.of(), TINY.featureDim()));
            }
            MultiDataSet batch = new MultiDataSet(inputs.toArray(new INDArray[0]),
                    new INDArray[] {stack(ff, rows, TINY.featureDim())});
            fitAndSave(g, batch, dir, "encoder", id);
        }
    }

    /** Two epochs of one step each; a checkpoint and a metrics file after each. */
    private static void fitAndSave(ComputationGraph g, MultiDataSet batch, Path dir, String net, String variant)
            throws Exception {
        Configuration conf = new Configuration();
        Checkpoints store = new Checkpoints(dir.resolve("models").resolve(net).resolve(variant).toUri().toString(), conf);
        for (int epoch = 1; epoch <= 2; epoch++) {
            g.fit(batch);
            double loss = g.score(batch);
            g.getConfiguration().setEpochCount(epoch);
            store.save(g, new CheckpointMetadata("tiny", net.equals("decoder") ? "decoder" : "encoder/" + variant,
                    epoch, null, Map.of("vggface", VGGFACE_ID), Map.of("total", loss)));
            new EpochMetrics(net, variant, epoch, Map.of("total", loss), 1e-3, batch.getFeatures(0).size(0), 1.0, 1.0)
                    .write(new org.apache.hadoop.fs.Path(dir.resolve("metrics").resolve(net).resolve(variant).toUri()), conf);
        }
    }

    private static VariantPriors priors(SparkSession spark, Path dir) {
        Map<String, float[]> largest = new LinkedHashMap<>();
        Map<String, Integer> n = new HashMap<>();
        for (Row r : spark.read().parquet(dir.resolve("priors").toString()).collectAsList()) {
            String name = r.getAs("name");
            if (r.<Integer>getAs("n") > n.getOrDefault(name, 0)) {
                n.put(name, r.getAs("n"));
                largest.put(name, PriorsDataset.feature(r));
            }
        }
        return new VariantPriors(largest.get("neutral"), largest.get("male"), largest.get("female"));
    }

    private static INDArray stack(List<float[]> rows, List<Integer> pick, long... shape) {
        List<float[]> chosen = new ArrayList<>();
        if (pick.isEmpty()) {
            chosen.addAll(rows);
        } else {
            pick.forEach(i -> chosen.add(rows.get(i)));
        }
        int per = chosen.get(0).length;
        float[] flat = new float[chosen.size() * per];
        for (int i = 0; i < chosen.size(); i++) {
            System.arraycopy(chosen.get(i), 0, flat, i * per, per);
        }
        long[] full = new long[shape.length + 1];
        full[0] = chosen.size();
        System.arraycopy(shape, 0, full, 1, shape.length);
        return Nd4j.create(flat, full, 'c');
    }
}
