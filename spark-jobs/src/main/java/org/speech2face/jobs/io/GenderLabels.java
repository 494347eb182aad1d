package org.speech2face.jobs.io;

import org.speech2face.contracts.VoiceGender;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.speech2face.jobs.JobContext;
import org.speech2face.contracts.GenderDataset;

import java.io.IOException;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;

/**
 * The labels CSV ({@code gender.labels}: a header, then {@code youtube_id,gender}) as one row per video with a
 * boolean {@code male}. Rows whose gender is neither male nor female, and videos labelled both ways, are left out
 * and counted, never guessed.
 */
public record GenderLabels(Dataset<Row> labels, long rows, long invalid, long conflicting) {
    private static final StructType CSV = new StructType()
            .add("youtube_id", DataTypes.StringType, true)
            .add("gender", DataTypes.StringType, true);

    /** Reads and validates the CSV at {@code location}; a missing file is an error naming the config key. */
    public static GenderLabels read(JobContext ctx, String location) throws IOException {
        Path p = new Path(location);
        if (!ctx.fs(p).exists(p)) {
            throw new IllegalArgumentException("The gender labels file " + location + " (gender.labels) does not exist.");
        }
        Dataset<Row> raw = ctx.spark().read().option("header", "true").schema(CSV).csv(location)
                .select(trim(col("youtube_id")).as("youtube_id"), lower(trim(col("gender"))).as("gender"))
                .persist(StorageLevel.MEMORY_AND_DISK());
        long rows = raw.count();
        Dataset<Row> valid = raw.filter(col("youtube_id").isNotNull()
                .and(col("gender").isin(VoiceGender.MALE, VoiceGender.FEMALE)));
        long invalid = rows - valid.count();
        Dataset<Row> perVideo = valid.groupBy("youtube_id")
                .agg(countDistinct("gender").as("genders"), first("gender").as("gender"));
        long conflicting = perVideo.filter(col("genders").gt(1)).count();
        Dataset<Row> labels = perVideo.filter(col("genders").equalTo(1))
                .select(col("youtube_id"), col("gender").equalTo(VoiceGender.MALE).as("male"));
        return new GenderLabels(labels, rows, invalid, conflicting);
    }
}
