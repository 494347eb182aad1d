package org.speech2face.jobs.ingest;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.AvSpeechCsv;
import org.speech2face.data.AvSpeechSegment;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;

import java.util.OptionalLong;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

/**
 * Reads AVSpeech CSV lines into one row per line: either a parsed segment with its clip_id as key, or the reason
 * it cannot be one. Later duplicates of a clip_id become {@code duplicate_row} rejects, so every input line is
 * accounted for exactly once.
 */
public final class CsvInput {
    /** Rows of the plan; {@code reason_code} is null for rows to process. */
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
            .add("message", DataTypes.StringType, true);

    private CsvInput() {
    }

    /**
     * Reads and parses the CSV(s) at {@code location}. Blank lines are not rows; {@code limit} keeps the first N lines.
     */
    public static Dataset<Row> read(SparkSession spark, String location, OptionalLong limit, S2fConfig.SplitFractions split) {
        long maxLines = limit.orElse(Long.MAX_VALUE);
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .textFile(location)
                .zipWithIndex()
                .filter(t -> !AvSpeechCsv.isBlank(t._1()) && t._2() < maxLines)
                .map(t -> parse(t._2() + 1, t._1(), split));
        Dataset<Row> parsed = spark.createDataFrame(rows, SCHEMA);
        // The first line of a clip_id wins; later ones are duplicates with a key of their own.
        Dataset<Row> ranked = parsed.withColumn("_rank",
                row_number().over(Window.partitionBy("key").orderBy("line")));
        return ranked
                .withColumn("reason_code", when(col("_rank").gt(1).and(col("reason_code").isNull()),
                        lit(RejectReason.DUPLICATE_ROW.code())).otherwise(col("reason_code")))
                .withColumn("message", when(col("_rank").gt(1).and(col("message").isNull()),
                        concat(lit("Line "), col("line"), lit(" repeats clip_id "), col("key"),
                                lit(" of an earlier line; the first one is kept.")))
                        .otherwise(col("message")))
                .withColumn("key", when(col("_rank").gt(1), concat(col("key"), lit("@line"), col("line")))
                        .otherwise(col("key")))
                .drop("_rank");
    }

    static Row parse(long line, String raw, S2fConfig.SplitFractions split) {
        try {
            AvSpeechSegment s = AvSpeechCsv.parse(line, raw);
            return RowFactory.create(line, raw, s.clipId(), s.youtubeId(), s.startS(), s.endS(), s.hintX(), s.hintY(),
                    split.assign(s.youtubeId()).code(), null, null);
        } catch (RejectException e) {
            return RowFactory.create(line, raw, rowKey(raw), null, null, null, null, null, null,
                    e.reason().code(), e.getMessage());
        }
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
