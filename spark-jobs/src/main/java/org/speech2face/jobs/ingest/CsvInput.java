package org.speech2face.jobs.ingest;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.AvSpeechCsv;
import org.speech2face.data.AvSpeechSegment;
import org.speech2face.contracts.RejectReason;
import org.speech2face.jobs.io.HadoopConf;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

/**
 * Reads the AVSpeech CSV files of {@code input.csv} into one row per CSV row: either a parsed segment with its
 * clip_id as key, or the reason it cannot be one. Each file is read whole by one task (a quoted field may span
 * lines, and line numbers count from the top of each file). Later duplicates of a clip_id become
 * {@code duplicate_row} rejects that name the row they repeat, so every input row is accounted for exactly once.
 */
public final class CsvInput {
    /** Rows of the plan; {@code reason_code} is null for rows to process; {@code line} counts within {@code file}. */
    public static final StructType SCHEMA = new StructType()
            .add("line", DataTypes.LongType, false)
            .add("raw", DataTypes.StringType, false)
            .add("key", DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, true)
            .add("start_s", DataTypes.DoubleType, true)
            .add("end_s", DataTypes.DoubleType, true)
            .add("hint_x", DataTypes.DoubleType, true)
            .add("hint_y", DataTypes.DoubleType, true)
            .add("split", DataTypes.StringType, true)
            .add("reason_code", DataTypes.StringType, true)
            .add("message", DataTypes.StringType, true)
            .add("file", DataTypes.StringType, false)
            .add("file_index", DataTypes.IntegerType, false);

    private CsvInput() {
    }

    /**
     * Reads and parses {@code files}. Blank lines and a file's header are not rows; {@code limit} keeps the first N
     * rows in file order.
     */
    public static Dataset<Row> read(SparkSession spark, CsvFiles files, OptionalLong limit,
                                    S2fConfig.SplitFractions split) {
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        List<Integer> indices = IntStream.range(0, files.size()).boxed().toList();
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(indices, files.size())
                .flatMap(i -> new FileRows(files, i, conf, split));
        Dataset<Row> parsed = spark.createDataFrame(rows, SCHEMA);
        if (limit.isPresent()) {
            parsed = parsed.orderBy("file_index", "line").limit((int) Math.min(Integer.MAX_VALUE, limit.getAsLong()));
        }
        // The first row of a clip_id (in file order) wins; later ones are duplicates with a key of their own.
        WindowSpec byKey = Window.partitionBy("key").orderBy("file_index", "line");
        Dataset<Row> ranked = parsed.withColumn("_rank", row_number().over(byKey))
                .withColumn("_first_file", first("file").over(byKey))
                .withColumn("_first_line", first("line").over(byKey));
        Column duplicate = col("_rank").gt(1);
        return ranked
                .withColumn("reason_code", when(duplicate.and(col("reason_code").isNull()),
                        lit(RejectReason.DUPLICATE_ROW.code())).otherwise(col("reason_code")))
                .withColumn("message", when(duplicate.and(col("message").isNull()),
                        concat(col("file"), lit(" line "), col("line"), lit(": repeats clip_id "), col("key"),
                                lit(" of "), col("_first_file"), lit(" line "), col("_first_line"),
                                lit("; the first one is kept.")))
                        .otherwise(col("message")))
                .withColumn("key", when(duplicate, concat(col("key"), lit("@"), col("file"), lit(":"), col("line")))
                        .otherwise(col("key")))
                .drop("_rank", "_first_file", "_first_line", "file_index");
    }

    /** The plan rows of one file, streamed; the file is closed when its last row has been read. */
    private static final class FileRows implements Iterator<Row> {
        private final CsvFiles files;
        private final int index;
        private final S2fConfig.SplitFractions split;
        private final Reader reader;
        private final AvSpeechCsv.Rows rows;

        FileRows(CsvFiles files, int index, HadoopConf conf, S2fConfig.SplitFractions split) throws IOException {
            this.files = files;
            this.index = index;
            this.split = split;
            this.reader = files.open(index, conf.get());
            this.rows = files.rows(index, reader);
        }

        @Override
        public boolean hasNext() {
            if (rows.hasNext()) {
                return true;
            }
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return false;
        }

        @Override
        public Row next() {
            return toRow(rows.next(), files.names().get(index), index, split);
        }
    }

    static Row toRow(AvSpeechCsv.Row r, String file, int fileIndex, S2fConfig.SplitFractions split) {
        AvSpeechSegment s = r.segment();
        if (s != null) {
            return RowFactory.create(r.line(), r.raw(), s.clipId(), s.youtubeId(), s.startS(), s.endS(), s.hintX(),
                    s.hintY(), split.assign(s.youtubeId()).code(), null, null, file, fileIndex);
        }
        return RowFactory.create(r.line(), r.raw(), rowKey(r.raw()), null, null, null, null, null, null,
                r.reject().reason().code(), r.reject().getMessage(), file, fileIndex);
    }

    /**
     * The key of a line that has no clip_id: a hash of its text, not its position, so it stays the same when new
     * CSV drops are added before it and a re-run still recognises it as done.
     */
    static String rowKey(String raw) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "row:" + java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
        }
    }

    /** The segment of a row to process. */
    public static AvSpeechSegment segment(Row r) {
        return new AvSpeechSegment(r.getLong(0), r.getString(3), r.getDouble(4), r.getDouble(5), r.getDouble(6),
                r.getDouble(7));
    }
}
