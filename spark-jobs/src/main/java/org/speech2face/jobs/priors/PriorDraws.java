package org.speech2face.jobs.priors;

import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.speech2face.data.SeededSample;
import org.speech2face.model.priors.FacePriors;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.udaf;
import static org.apache.spark.sql.functions.udf;

/**
 * The Spark side of the priors: draws each group's faces in the seeded order of {@link SeededSample}, puts each
 * drawn face in the bucket between two consecutive counts, and sums each bucket's fc7 in double precision. Ranking
 * sorts only (name, clip_id, key) rows; the 16 KB features join the drawn keys afterwards, and only one sum per
 * (name, bucket) reaches the driver.
 */
final class PriorDraws {
    private PriorDraws() {
    }

    /** Faces per group in {@code members} (columns name, clip_id). */
    static Map<String, Long> groupSizes(Dataset<Row> members) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Row r : members.groupBy("name").count().orderBy("name").collectAsList()) {
            out.put(r.getString(0), r.getLong(1));
        }
        return out;
    }

    /**
     * Sums fc7 per (group, bucket). {@code members}: name, clip_id; {@code features}: clip_id, fc7;
     * {@code counts}: each group's effective counts, ascending.
     */
    static Map<String, double[][]> bucketSums(Dataset<Row> members, Dataset<Row> features, long seed,
                                              Map<String, int[]> counts, Map<String, long[]> sizesOut) {
        UserDefinedFunction key = udf((UDF1<String, Long>) id -> SeededSample.key(seed, id), DataTypes.LongType);
        HashMap<String, int[]> bounds = new HashMap<>(counts);
        UserDefinedFunction bucket = udf((UDF2<String, Integer, Integer>) (name, rank) ->
                FacePriors.bucket(rank, bounds.getOrDefault(name, new int[0])), DataTypes.IntegerType);
        Dataset<Row> drawn = members
                .withColumn("draw_key", key.apply(col("clip_id")))
                .withColumn("rank", row_number().over(Window.partitionBy("name").orderBy("draw_key", "clip_id")).minus(1))
                .withColumn("bucket", bucket.apply(col("name"), col("rank")))
                .filter((FilterFunction<Row>) r -> r.<Integer>getAs("bucket") >= 0)
                .select("name", "clip_id", "bucket");
        List<Row> rows = drawn.join(features.select("clip_id", "fc7"), "clip_id")
                .groupBy("name", "bucket")
                .agg(udaf(new FeatureSum(), FeatureSum.input()).apply(col("fc7")).as("sum"),
                        count("clip_id").as("faces"))
                .collectAsList();
        Map<String, double[][]> sums = new HashMap<>();
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            sums.put(e.getKey(), new double[e.getValue().length][]);
            sizesOut.put(e.getKey(), new long[e.getValue().length]);
        }
        for (Row r : rows) {
            String name = r.getAs("name");
            int b = r.getAs("bucket");
            sums.get(name)[b] = FeatureSum.decode(r.getAs("sum"));
            sizesOut.get(name)[b] = r.getAs("faces");
        }
        return sums;
    }
}
