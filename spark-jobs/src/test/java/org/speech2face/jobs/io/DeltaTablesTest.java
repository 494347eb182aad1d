package org.speech2face.jobs.io;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.testing.SharedSpark;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's plan is read with {@link DeltaTables#readPinned} and cached until the run commits; Delta then re-plans
 * every cached frame over the table it committed to. A pinned frame must neither see the commit nor be planned again.
 */
@ExtendWith(SharedSpark.class)
class DeltaTablesTest {
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SharedSpark.session();
    }

    @Test
    void aPinnedCachedFrameKeepsItsRowsWhenTheTableIsCommittedTo() {
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve("t").toUri());
        DeltaTables.replace(spark, spark.range(0, 3).toDF("n"), dir);
        Dataset<Row> pinned = DeltaTables.readPinned(spark, dir).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> live = DeltaTables.read(spark, dir).persist(StorageLevel.MEMORY_AND_DISK());
        assertThat(pinned.count()).isEqualTo(3);
        assertThat(live.count()).isEqualTo(3);

        spark.range(10, 12).toDF("n").write().format("delta").mode("append").save(dir.toString());

        // The live frame's cache was rebuilt from the new version; the pinned one still holds what was planned.
        assertThat(live.count()).isEqualTo(5);
        assertThat(pinned.count()).isEqualTo(3);
        assertThat(spark.sharedState().cacheManager().lookupCachedData(pinned).isDefined()).isTrue();
        pinned.unpersist();
        live.unpersist();
    }
}
