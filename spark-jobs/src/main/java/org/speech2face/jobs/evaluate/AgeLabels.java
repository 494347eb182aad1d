package org.speech2face.jobs.evaluate;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.speech2face.jobs.JobContext;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;

/**
 * Table 6's labels ({@code evaluate.age-labels}: a header, then {@code youtube_id,age}) as one age group per video:
 * the paper's young (under 35), mid-age (35 to 65) and elder (over 65). The age may be given in years or as the
 * group's name; anything else is left out and counted.
 */
public final class AgeLabels {
    public static final String YOUNG = "young";
    public static final String MID_AGE = "mid-age";
    public static final String ELDER = "elder";
    public static final List<String> GROUPS = List.of(YOUNG, MID_AGE, ELDER);

    private static final StructType CSV = new StructType()
            .add("youtube_id", DataTypes.StringType, true)
            .add("age", DataTypes.StringType, true);

    private AgeLabels() {
    }

    /** The group of an age in years or of a group name; null for anything else. */
    public static String group(String age) {
        if (age == null) {
            return null;
        }
        String a = age.trim().toLowerCase(Locale.ROOT);
        if (GROUPS.contains(a)) {
            return a;
        }
        try {
            return ofYears(Double.parseDouble(a));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The group of an age in years (young under 35, mid-age 35 to 65, elder over 65); null outside [0, 150). */
    public static String ofYears(double years) {
        if (!(years >= 0 && years < 150)) {
            return null;
        }
        return years < 35 ? YOUNG : years <= 65 ? MID_AGE : ELDER;
    }

    /** {@code youtube_id, age_label} of the valid rows (the first row per video); a missing file is an error. */
    public static Dataset<Row> read(JobContext ctx, String location) throws IOException {
        Path p = new Path(location);
        if (!ctx.fs(p).exists(p)) {
            throw new IllegalArgumentException("The age labels file " + location + " (evaluate.age-labels) does not exist.");
        }
        var toGroup = udf((UDF1<String, String>) AgeLabels::group, DataTypes.StringType);
        return ctx.spark().read().option("header", "true").schema(CSV).csv(location)
                .select(trim(col("youtube_id")).as("youtube_id"), toGroup.apply(col("age")).as("age_label"))
                .filter(col("youtube_id").isNotNull().and(col("age_label").isNotNull()))
                .dropDuplicates("youtube_id");
    }
}
