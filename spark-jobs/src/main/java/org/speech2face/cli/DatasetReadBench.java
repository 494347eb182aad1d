package org.speech2face.cli;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.data.Split;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkSessions;
import org.speech2face.jobs.ingest.IngestAudioJob;
import org.speech2face.jobs.io.DeltaTables;

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
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/**
 * {@code s2f bench datasets read [N]}: one training epoch's input read through Delta beside the same rows as plain
 * Parquet folders (the layout before Delta), in the same run. The input is what the speech encoder reads
 * (EncoderExamples): the train split's spectrograms joined on clip_id with the fc7 of face_features/. The
 * spectrograms come from ingest-audio on N sample clips; the face features are synthetic (random fc7 and fc8 of
 * paper size, 4096 and 2622, one per clip): running ingest-faces and face-features only to get bytes of the right
 * size would take most of the bench's time, and the read does not look at the values.
 */
final class DatasetReadBench {
    private static final int ROUNDS = 3;
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

            Function<Path, Dataset<Row>> delta = p -> DeltaTables.read(spark, p);
            Function<Path, Dataset<Row>> parquet = p -> spark.read().parquet(p.toString());
            long[] warm = epoch(delta, specs, features);
            epoch(parquet, plainSpecs, plainFeatures);
            double[] deltaSeconds = new double[ROUNDS];
            double[] parquetSeconds = new double[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                deltaSeconds[i] = timed(() -> epoch(delta, specs, features));
                parquetSeconds[i] = timed(() -> epoch(parquet, plainSpecs, plainFeatures));
            }
            double d = median(deltaSeconds);
            double p = median(parquetSeconds);
            out.println();
            out.println("| layout | train examples | bytes read (spec + fc7) | wall s (median of " + ROUNDS
                    + ") | runs | x plain Parquet |");
            out.println("| --- | ---: | ---: | ---: | --- | ---: |");
            row("Delta (spectrograms/, face_features/)", warm, d, deltaSeconds, d / p);
            row("plain Parquet folders (old layout)", warm, p, parquetSeconds, 1.0);
            out.println();
            out.println("Each run: both tables read with the contract's columns, face_features filtered to one "
                    + "feature id, joined on clip_id, the train split kept, and every spec and fc7 value's length "
                    + "summed (so the binary columns are read). Tensors are binary columns on main today.");
        } finally {
            spark.stop();
            DatasetsBench.deleteQuietly(work);
        }
        out.println("load after: " + DatasetsBench.load());
    }

    private void row(String layout, long[] counts, double median, double[] runs, double ratio) {
        out.printf(Locale.ROOT, "| %s | %d | %s | %.2f | %s | %.2f |%n", layout, counts[0],
                DatasetsBench.bytes(counts[1]), median, Arrays.toString(Arrays.stream(runs)
                        .map(s -> Math.round(s * 100) / 100.0).toArray()), ratio);
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

    /** The encoder's epoch input, read and consumed: {examples, bytes of spec and fc7}. */
    private static long[] epoch(Function<Path, Dataset<Row>> read, Path specs, Path features) {
        Dataset<Row> s = read.apply(specs).select(Arrays.stream(SpectrogramsDataset.SCHEMA.fieldNames())
                        .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .select("clip_id", "split", "frames", "bins", "spec");
        Dataset<Row> f = read.apply(features).filter(col("vggface_id").equalTo(FEATURE_ID))
                .select("clip_id", "fc7_dim", "fc7");
        Row r = s.join(f, "clip_id").filter(col("split").equalTo(Split.TRAIN.code()))
                .agg(count(lit(1)), sum(length(col("spec"))), sum(length(col("fc7")))).first();
        return new long[] {r.getLong(0), (r.isNullAt(1) ? 0 : r.getLong(1)) + (r.isNullAt(2) ? 0 : r.getLong(2))};
    }

    private interface Run {
        void run() throws Exception;
    }

    private static double timed(Run r) throws Exception {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
