package org.speech2face.jobs.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.speech2face.contracts.FloatTensorCodec;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.contracts.TensorColumn;

/**
 * By hand, not a test: how long reading spectrograms into {@code float[]} takes, as a training epoch's input read
 * does (ExampleSet.materialise), for the old little-endian binary column and the {@code array<float>} column read
 * three ways (internal rows, {@link TensorRow#map}; external rows holding a float[], {@link TensorRow#mapPartitions},
 * as predict-gender and evaluate read; and external rows, boxed). Prints the median of several passes.
 * <pre>java -cp spark-jobs/target/test-classes:spark-jobs/target/classes:... org.speech2face.jobs.io.TensorReadBench [rows] [passes]</pre>
 */
public final class TensorReadBench {
    private static final int FRAMES = 598;
    private static final int BINS = 257;

    private TensorReadBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int methods = args.length > 2 ? Integer.parseInt(args[2]) : 4; // 3: leave out the boxed read
        Path dir = Files.createTempDirectory("s2f-tensor-bench");
        SparkSession spark = SparkSession.builder().master(System.getProperty("bench.master", "local[2]")).appName("tensor-read-bench")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            StructType binary = new StructType().add("clip_id", DataTypes.StringType, false)
                    .add("frames", DataTypes.IntegerType, false).add("bins", DataTypes.IntegerType, false)
                    .add("spec", DataTypes.BinaryType, false);
            StructType array = new StructType().add("clip_id", DataTypes.StringType, false)
                    .add("frames", DataTypes.IntegerType, false).add("bins", DataTypes.IntegerType, false)
                    .add(SpectrogramsDataset.SCHEMA.apply("spec"));
            Random random = new Random(7);
            List<Row> asBinary = new ArrayList<>();
            List<Row> asArray = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                float[] v = new float[FRAMES * BINS * 2];
                for (int k = 0; k < v.length; k++) {
                    v[k] = (float) Math.abs(random.nextGaussian()) * 0.3f; // a compressed STFT's scale
                }
                asBinary.add(RowFactory.create("c" + i, FRAMES, BINS, FloatTensorCodec.encode(v)));
                asArray.add(RowFactory.create("c" + i, FRAMES, BINS, v));
            }
            String b = dir.resolve("binary").toString();
            String a = dir.resolve("array").toString();
            spark.createDataFrame(asBinary, binary).repartition(4).write().parquet(b);
            spark.createDataFrame(asArray, array).repartition(4).write().parquet(a);
            asBinary.clear();
            asArray.clear();
            System.out.printf(Locale.ROOT, "on disk: binary %d MB, array<float> %d MB (%d spectrograms %dx%dx2)%n",
                    size(Path.of(b)) >> 20, size(Path.of(a)) >> 20, rows, FRAMES, BINS);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            String[] names = {"binary column, Row + FloatTensorCodec (before)", "array<float>, TensorRow (now)",
                    "array<float>, Row with float[] (mapPartitions)", "array<float>, Row, boxed"};
            double[][] seconds = new double[names.length][passes + 1];
            double[][] cpu = new double[names.length][passes + 1];
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            for (int p = 0; p <= passes; p++) { // pass 0 warms up, interleaved so load hits all alike
                for (int m = 0; m < methods; m++) {
                    System.gc();
                    long c0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    double sum = read(spark.read().parquet(m == 0 ? b : a), m).reduce(Double::sum);
                    seconds[m][p] = (System.nanoTime() - t0) / 1e9;
                    cpu[m][p] = (os.getProcessCpuTime() - c0) / 1e9;
                    if (Double.isNaN(sum)) {
                        throw new IllegalStateException("NaN");
                    }
                }
            }
            for (int m = 0; m < methods; m++) {
                double[] s = Arrays.copyOfRange(seconds[m], 1, passes + 1);
                double[] c = Arrays.copyOfRange(cpu[m], 1, passes + 1);
                Arrays.sort(s);
                Arrays.sort(c);
                System.out.printf(Locale.ROOT, "%-48s wall: median %.3f s, min %.3f s (%.1f ms per spectrogram at the "
                        + "median); CPU of the JVM: median %.3f s, min %.3f s (%.1f ms per spectrogram)%n", names[m],
                        s[s.length / 2], s[0], 1000 * s[s.length / 2] / rows, c[c.length / 2], c[0],
                        1000 * c[c.length / 2] / rows);
            }
            sc.sc().getConf(); // keep the context referenced until the end
        } finally {
            spark.stop();
        }
    }

    /** Each row's spectrogram as a float[] (then its sum, so nothing is skipped), by method {@code m}. */
    private static JavaRDD<Double> read(Dataset<Row> d, int m) {
        if (m == 2) {
            return TensorRow.mapPartitions(d, rows -> {
                List<Row> sums = new ArrayList<>();
                rows.forEachRemaining(r -> sums.add(RowFactory.create(sum(TensorColumn.read(r, "spec",
                        r.<Integer>getAs("frames"), r.<Integer>getAs("bins"), 2)))));
                return sums.iterator();
            }, new StructType().add("sum", DataTypes.DoubleType)).javaRDD().map(r -> r.getDouble(0));
        }
        JavaRDD<float[]> specs = switch (m) {
            case 0 -> d.javaRDD().map(r -> FloatTensorCodec.decode(r.getAs("spec"), r.<Integer>getAs("frames"),
                    r.<Integer>getAs("bins"), 2));
            case 1 -> TensorRow.map(d, r -> r.floats("spec", r.integer("frames"), r.integer("bins"), 2));
            default -> d.javaRDD().map(r -> TensorColumn.read(r, "spec", r.<Integer>getAs("frames"),
                    r.<Integer>getAs("bins"), 2));
        };
        return specs.map(TensorReadBench::sum);
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    private static long size(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
