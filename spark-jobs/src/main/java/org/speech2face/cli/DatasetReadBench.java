package org.speech2face.cli;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.FloatTensorCodec;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.data.Split;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkSessions;
import org.speech2face.jobs.ingest.IngestAudioJob;
import org.speech2face.jobs.io.DeltaTables;
import org.speech2face.jobs.io.TensorRow;
import org.speech2face.model.networks.SpectrogramInput;

import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.Function;

import static org.apache.spark.sql.functions.col;

/**
 * {@code s2f bench datasets read [N]}: one training epoch's input read from Delta tables with array tensors (the
 * layout now) beside the same rows as plain Parquet folders with binary tensors (the layout before), in the same
 * run, and as plain Parquet with arrays, which separates Delta's share from the tensors'. The input is what the
 * speech encoder reads (EncoderExamples): the train split's spectrograms joined on clip_id with the fc7 of
 * face_features/. Planning (for Delta, listing each table's files from its log) is timed apart from reading: a
 * training run plans its input once, however many epochs read it. The spectrograms come from ingest-audio on N
 * sample clips; the face features are synthetic (random fc7 and fc8 of paper size, 4096 and 2622, one per clip):
 * running ingest-faces and face-features only to get bytes of the right size would take most of the bench's time,
 * and the read does not look at the values.
 */
final class DatasetReadBench {
    private static final int ROUNDS = 9;
    private static final String FEATURE_ID = "bench:synthetic/paper";
    private static final int FC7 = 4096;
    private static final int FC8 = 2622;

    private final DatasetsBench bench;
    private final S2fConfig config;
    private final PrintStream out;

    DatasetReadBench(CliArgs args, S2fConfig config, PrintStream out) {
        this.bench = new DatasetsBench(args, config, out);
        this.config = config;
        this.out = out;
    }

    void run(int n) throws Exception {
        java.nio.file.Path work = Files.createTempDirectory("s2f-bench-datasets-read-");
        java.nio.file.Path root = work.resolve("root");
        out.println("Datasets read bench: one epoch's encoder input from " + n + " clips, Delta vs plain Parquet, root "
                + root);
        out.println("load before: " + DatasetsBench.load());
        java.nio.file.Path csv = DatasetsBench.clips(config, n).write(work.resolve("clips.csv"));
        SparkSession spark = SparkSessions.create(config.spark());
        try {
            S2fConfig cfg = bench.rootConfig(root, csv, false);
            long t0 = System.nanoTime();
            new IngestAudioJob().run(new JobContext(spark, cfg, JobContext.newRunId(), false, OptionalLong.empty()));
            out.printf(Locale.ROOT, "ingest-audio filled spectrograms/ in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
            DataLayout layout = new DataLayout(cfg.dataRoot());
            Path specs = layout.dataset(DataLayout.SPECTROGRAMS);
            Path features = layout.dataset(DataLayout.FACE_FEATURES);
            writeFeatures(spark, specs, features);
            Path plain = new Path(root.resolve("plain-parquet").toUri());
            Path plainSpecs = new Path(plain, DataLayout.SPECTROGRAMS);
            Path plainFeatures = new Path(plain, DataLayout.FACE_FEATURES);
            DeltaTables.read(spark, specs).write().parquet(plainSpecs.toString());
            DeltaTables.read(spark, features).write().parquet(plainFeatures.toString());
            Path old = new Path(root.resolve("old-layout").toUri());
            Path oldSpecs = new Path(old, DataLayout.SPECTROGRAMS);
            Path oldFeatures = new Path(old, DataLayout.FACE_FEATURES);
            asBinaryTensors(DeltaTables.read(spark, specs)).write().parquet(oldSpecs.toString());
            asBinaryTensors(DeltaTables.read(spark, features)).write().parquet(oldFeatures.toString());

            List<Layout> layouts = List.of(
                    new Layout("before: plain Parquet folders, binary tensors (the old layout)", false,
                            p -> spark.read().parquet(p.toString()), oldSpecs, oldFeatures),
                    new Layout("after: Delta tables, array<float> tensors (spectrograms/, face_features/)", true,
                            p -> DeltaTables.read(spark, p), specs, features),
                    new Layout("plain Parquet folders, array<float> tensors (Delta's share)", true,
                            p -> spark.read().parquet(p.toString()), plainSpecs, plainFeatures));
            long[][] counts = new long[layouts.size()][];
            double[][] plan = new double[layouts.size()][ROUNDS];
            double[][] read = new double[layouts.size()][ROUNDS];
            double[][] epoch = new double[layouts.size()][ROUNDS];
            for (int l = 0; l < layouts.size(); l++) {
                counts[l] = layouts.get(l).epoch(new double[2]); // warm-up
            }
            for (int i = 0; i < ROUNDS; i++) {
                for (int l = 0; l < layouts.size(); l++) {
                    double[] s = new double[2];
                    layouts.get(l).epoch(s);
                    plan[l][i] = s[0];
                    read[l][i] = s[1];
                    epoch[l][i] = s[0] + s[1];
                }
            }
            out.println();
            out.println("| layout | train examples | floats read (spec + fc7) | plan s | read s | x before | epoch s "
                    + "(plan + read) | x before | fastest epoch s | x before |");
            out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (int l = 0; l < layouts.size(); l++) {
                out.printf(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                        layouts.get(l).name(), counts[l][0], counts[l][1], median(plan[l]), median(read[l]),
                        median(read[l]) / median(read[0]), median(epoch[l]), median(epoch[l]) / median(epoch[0]),
                        min(epoch[l]), min(epoch[l]) / min(epoch[0]));
            }
            out.println();
            for (int l = 0; l < layouts.size(); l++) {
                out.println("epochs of " + layouts.get(l).name() + ": plan " + rounded(plan[l]) + ", read "
                        + rounded(read[l]));
            }
            out.println();
            out.println("Medians of " + ROUNDS + " rounds. Each epoch: both tables read with the contract's columns, "
                    + "face_features filtered to one feature id, joined on clip_id, the train split kept, and every "
                    + "spectrogram and fc7 made a float[] on the executors as the speech encoder's examples are. Plan: "
                    + "the query analysed, optimised and planned (for Delta, each table's files listed from its log), "
                    + "which a training run does once whatever its epochs; read: the rest. Goal: after at most 1.10x "
                    + "before. All three are written "
                    + "with this session's codec (" + spark.conf().get("spark.sql.parquet.compression.codec")
                    + "); the old layout was Snappy, which parquet-mr 1.13 reads slower, so this before is the "
                    + "faster one. The rounds go round-robin over the layouts, so load and page cache hit all alike.");
        } finally {
            spark.stop();
            DatasetsBench.deleteQuietly(work);
        }
        out.println("load after: " + DatasetsBench.load());
    }

    /** One face feature row per spectrogram, random values of paper size, written through Delta by split. */
    private static void writeFeatures(SparkSession spark, Path specs, Path features) {
        List<Row> keys = DeltaTables.read(spark, specs).select("clip_id", "youtube_id", "split").collectAsList();
        Random random = new Random(42);
        List<Row> rows = new ArrayList<>();
        for (Row k : keys) {
            rows.add(FaceFeaturesDataset.toRow(k.getString(0), k.getString(1), k.getString(2), floats(random, FC7),
                    floats(random, FC8), FEATURE_ID));
        }
        DeltaTables.createIfMissing(spark, features, FaceFeaturesDataset.SCHEMA, List.of("split"));
        spark.createDataFrame(rows, FaceFeaturesDataset.SCHEMA).write().format("delta").mode("append")
                .save(features.toString());
    }

    private static float[] floats(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** One way the epoch's input is stored: how a folder is read, and whether its tensors are arrays. */
    private record Layout(String name, boolean arrays, Function<Path, Dataset<Row>> read, Path specs,
                          Path features) {
        /**
         * The encoder's epoch input, read and made float[]s: {examples, floats of spec and fc7}; {@code seconds}
         * gets the time to plan it (the tables' files listed, the join planned) and the time to read it. Both
         * layouts go through Spark's internal rows, as TensorRow does, so one plan serves both timings.
         */
        long[] epoch(double[] seconds) {
            long t0 = System.nanoTime();
            Dataset<Row> s = read.apply(specs).select(Arrays.stream(SpectrogramsDataset.SCHEMA.fieldNames())
                            .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
                    .select("clip_id", "split", "frames", "bins", "spec");
            Dataset<Row> f = read.apply(features).filter(col("vggface_id").equalTo(FEATURE_ID))
                    .select("clip_id", "fc7_dim", "fc7");
            Dataset<Row> joined = s.join(f, "clip_id").filter(col("split").equalTo(Split.TRAIN.code()));
            joined.queryExecution().sparkPlan();
            long t1 = System.nanoTime();
            JavaRDD<Long> floats = arrays
                    ? TensorRow.map(joined, r -> (long) r.floats("spec", r.integer("frames"), r.integer("bins"),
                    SpectrogramInput.CHANNELS).length + r.floats("fc7", r.integer("fc7_dim")).length)
                    : binary(joined);
            long[] total = floats.map(n -> new long[] {1, n})
                    .fold(new long[] {0, 0}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            seconds[0] = (t1 - t0) / 1e9;
            seconds[1] = (System.nanoTime() - t1) / 1e9;
            return total;
        }

        /** The binary tensors decoded with FloatTensorCodec, from internal rows of the same plan. */
        private static JavaRDD<Long> binary(Dataset<Row> joined) {
            StructType schema = joined.schema();
            int spec = schema.fieldIndex("spec");
            int frames = schema.fieldIndex("frames");
            int bins = schema.fieldIndex("bins");
            int fc7 = schema.fieldIndex("fc7");
            int fc7Dim = schema.fieldIndex("fc7_dim");
            return joined.queryExecution().toRdd().toJavaRDD().map(r -> (long) FloatTensorCodec.decode(
                    r.getBinary(spec), r.getInt(frames), r.getInt(bins), SpectrogramInput.CHANNELS).length
                    + FloatTensorCodec.decode(r.getBinary(fc7), r.getInt(fc7Dim)).length);
        }
    }

    /** The rows with every array&lt;float&gt; column as little-endian float32 bytes, as s2f stored tensors before. */
    private static Dataset<Row> asBinaryTensors(Dataset<Row> rows) {
        org.apache.spark.sql.expressions.UserDefinedFunction encode = org.apache.spark.sql.functions.udf(
                (org.apache.spark.sql.api.java.UDF1<scala.collection.Seq<Float>, byte[]>) v -> {
                    float[] a = new float[v.size()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = v.apply(i);
                    }
                    return FloatTensorCodec.encode(a);
                }, org.apache.spark.sql.types.DataTypes.BinaryType);
        Dataset<Row> out = rows;
        for (org.apache.spark.sql.types.StructField field : rows.schema().fields()) {
            if (field.dataType() instanceof org.apache.spark.sql.types.ArrayType) {
                out = out.withColumn(field.name(), encode.apply(col(field.name())));
            }
        }
        return out;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    private static String rounded(double[] v) {
        return Arrays.toString(Arrays.stream(v).map(x -> Math.round(x * 100) / 100.0).toArray());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
