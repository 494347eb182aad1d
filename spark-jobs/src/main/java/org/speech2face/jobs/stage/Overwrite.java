package org.speech2face.jobs.stage;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.speech2face.jobs.io.DatasetCommitter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code overwrite=true} replaces the rows of this input's keys and keeps every other row: the kept rows are
 * copied into staging, and the old files are deleted by the commit plan, so readers switch from the old set to
 * the new one without a moment where rows of other inputs are missing.
 */
public final class Overwrite {
    private Overwrite() {
    }

    /** Copies the rows of {@code dir} whose key is not planned into {@code stagingDir}; returns the files to delete. */
    public static List<String> retainOthers(SparkSession spark, DatasetCommitter committer, Path dir, String keyColumn,
                                     Dataset<Row> planned, Path stagingDir) throws IOException {
        List<Path> old = committer.partFiles(dir);
        List<String> deletes = new ArrayList<>();
        if (old.isEmpty()) {
            return deletes;
        }
        Dataset<Row> existing = spark.read().parquet(dir.toString());
        Dataset<Row> keys = planned.select("key");
        Dataset<Row> kept = existing.join(keys, existing.col(keyColumn).equalTo(keys.col("key")), "left_anti");
        if (!kept.isEmpty()) {
            kept.write().mode(SaveMode.Append).parquet(stagingDir.toString());
        }
        old.forEach(p -> deletes.add(p.toString()));
        return deletes;
    }
}
