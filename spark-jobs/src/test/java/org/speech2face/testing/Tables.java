package org.speech2face.testing;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

import static org.apache.spark.sql.functions.col;

/** Tests read datasets as users do: through Delta, never the folder's Parquet files. */
public final class Tables {
    private Tables() {
    }

    public static Dataset<Row> read(SparkSession spark, String path) {
        return spark.read().format("delta").load(path);
    }

    /** The current rejects of one stage under a data root. */
    public static Dataset<Row> rejects(SparkSession spark, Path root, String stage) {
        Path table = root.resolve("rejects");
        if (!table.resolve("_delta_log").toFile().exists()) {
            return spark.createDataFrame(java.util.List.of(),
                    org.speech2face.contracts.RejectsDataset.TABLE_SCHEMA);
        }
        return read(spark, table.toString()).filter(col("stage").equalTo(stage));
    }
}
