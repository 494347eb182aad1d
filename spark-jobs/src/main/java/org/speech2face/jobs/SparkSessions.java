package org.speech2face.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.speech2face.config.S2fConfig;

import java.util.Map;

/** Builds the one SparkSession of an s2f run from {@code spark.*} config. */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession create(S2fConfig.SparkSettings settings) {
        SparkConf conf = new SparkConf()
                .setAppName(settings.appName())
                // ND4J arrays cross the wire during training; its registrator makes Kryo handle them.
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
                .set("spark.sql.parquet.compression.codec", "snappy")
                .set("spark.ui.showConsoleProgress", "false")
                // Every dataset is a path-based Delta table.
                .set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                // A table's state is rebuilt from its log in this many tasks (Delta's default, 50, suits logs of
                // millions of files; these tables hold thousands, and each stage run reads a few of them).
                // spark.conf can raise it.
                .set("spark.databricks.delta.snapshotPartitions", "4");
        // spark-submit sets the master itself; the config's value is only used when none is given.
        if (!conf.contains("spark.master")) {
            conf.setMaster(settings.master());
        }
        for (Map.Entry<String, String> e : settings.conf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
