package org.speech2face.jobs.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.speech2face.jobs.io.TensorRow;
import org.speech2face.jobs.report.Counter;

/**
 * The rows a training job learns from (train split) and is checked on (val split), the counts that explain how
 * they were chosen from the input datasets, and the function that turns a row into a one-example
 * {@code MultiDataSet} on the executors.
 */
record ExampleSet(Dataset<Row> train, Dataset<Row> val, Map<Counter, Long> counts,
                  Function<TensorRow, MultiDataSet> toExample) {
    ExampleSet {
        counts = new LinkedHashMap<>(counts);
    }

    /** Only the first {@code limit} training rows by clip_id, as the launcher's {@code --limit} asks. */
    ExampleSet limit(OptionalLong limit) {
        if (limit.isEmpty()) {
            return this;
        }
        return new ExampleSet(train.orderBy("clip_id").limit((int) Math.min(Integer.MAX_VALUE, limit.getAsLong())),
                val, counts, toExample);
    }

    /**
     * Both splits as RDDs of examples, decoded once and kept at {@code level} (DL4J's training master persists the
     * training RDD at the same level, so it reuses this cache), with their sizes. Rows are read as internal rows
     * ({@link TensorRow}): the tensors are copied into arrays, never boxed.
     */
    DistributedTrainer.Data materialise(StorageLevel level) {
        JavaRDD<MultiDataSet> t = keep(TensorRow.map(train, toExample), level);
        JavaRDD<MultiDataSet> v = keep(TensorRow.map(val, toExample), level);
        return new DistributedTrainer.Data(t, t.count(), v, v.count());
    }

    private static JavaRDD<MultiDataSet> keep(JavaRDD<MultiDataSet> rdd, StorageLevel level) {
        return level.equals(StorageLevel.NONE()) ? rdd : rdd.persist(level);
    }
}
