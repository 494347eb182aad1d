package org.speech2face.jobs.maintenance;

import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Delta settings that hold for one upkeep run only. Delta reads its OPTIMIZE target size and its VACUUM safety check
 * from the session's SQL conf, and the session outlives the run (the pipeline, an embedding caller and the tests
 * share it), so each value set here is put back as it was on {@link #close()}.
 */
final class SessionSettings implements AutoCloseable {
    static final String MAX_FILE_SIZE = "spark.databricks.delta.optimize.maxFileSize";
    static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";
    /**
     * VACUUM lists a table's folders in this many Spark tasks, whatever the table's size: Spark's default, 10000,
     * made each VACUUM of a small table tens of thousands of tasks.
     */
    static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";

    private final RuntimeConfig conf;
    private final Map<String, String> previous = new LinkedHashMap<>();

    SessionSettings(SparkSession spark) {
        this.conf = spark.conf();
    }

    SessionSettings set(String key, String value) {
        if (!previous.containsKey(key)) {
            // contains: set on this session; getOption would also answer a registered key's default
            previous.put(key, conf.contains(key) ? conf.get(key) : null);
        }
        conf.set(key, value);
        return this;
    }

    @Override
    public void close() {
        previous.forEach((k, v) -> {
            if (v == null) {
                conf.unset(k);
            } else {
                conf.set(k, v);
            }
        });
    }
}
