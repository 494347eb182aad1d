package org.speech2face.jobs.io;

import org.speech2face.jobs.stage.KeyedStageJob;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.speech2face.jobs.JobContext;

import java.util.List;
import java.util.OptionalLong;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/** An earlier stage's dataset as the input of a later one, read with its contract's schema. */
public final class SourceDataset {
    private SourceDataset() {
    }

    /**
     * The Delta table {@code name} under the data root, its columns in {@code schema}'s order.
     * When it does not exist: no rows in a dry run, else an error that names the stage that makes it.
     */
    public static Dataset<Row> read(JobContext ctx, String name, StructType schema, String producedBy) {
        Path dir = ctx.layout().dataset(name);
        if (!DeltaTables.exists(ctx.spark(), dir)) {
            if (ctx.dryRun()) {
                return ctx.spark().createDataFrame(List.of(), schema);
            }
            throw new IllegalStateException("There is no " + name + "/ dataset under " + ctx.config().dataRoot()
                    + "; run " + producedBy + " first.");
        }
        return DeltaTables.read(ctx.spark(), dir).select(java.util.Arrays.stream(schema.fieldNames())
                .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new));
    }

    /**
     * A plan for {@link KeyedStageJob} with one row per source row, keyed by clip_id; {@code limit} keeps the
     * first N clip_ids, as the launcher's --limit keeps the first N lines of the CSV.
     */
    public static Dataset<Row> plan(Dataset<Row> source, OptionalLong limit) {
        Dataset<Row> rows = limit.isPresent() ? source.orderBy("clip_id").limit((int) Math.min(Integer.MAX_VALUE,
                limit.getAsLong())) : source;
        return rows.withColumn("key", col("clip_id"))
                .withColumn("line", lit(null).cast(DataTypes.LongType))
                .withColumn("raw", lit(null).cast(DataTypes.StringType))
                .withColumn("reason_code", lit(null).cast(DataTypes.StringType))
                .withColumn("message", lit(null).cast(DataTypes.StringType));
    }
}
