package org.speech2face.jobs.io;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.apache.spark.sql.functions.col;

/** The keys a dataset folder already holds, as a one-column frame {@code done_key}; empty when there is none yet. */
public final class ExistingKeys {
    private static final StructType SCHEMA = new StructType().add("done_key", DataTypes.StringType, false);

    private ExistingKeys() {
    }

    /** The keys of the rows of {@code dir} that {@code keep} keeps. */
    public static Dataset<Row> of(SparkSession spark, DatasetCommitter committer, Path dir, String keyColumn,
                                  UnaryOperator<Dataset<Row>> keep) throws IOException {
        if (committer.partFiles(dir).isEmpty()) {
            return spark.createDataFrame(List.of(), SCHEMA);
        }
        return keep.apply(spark.read().parquet(dir.toString())).select(col(keyColumn).as("done_key"));
    }
}
