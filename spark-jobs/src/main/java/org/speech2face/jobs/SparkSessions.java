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
                // Not Snappy: parquet-mr 1.13 (Spark 3.5's) reads a Snappy page by growing its buffer chunk by chunk
                // (PARQUET-2429), quadratic in the page size, and a page of spectrograms or faces is megabytes; a
                // MERGE that touched one row of an ingest's first file spent 40 s reading it. ZSTD goes through
                // another reader, and its files are about a quarter smaller.
                .set("spark.sql.parquet.compression.codec", "zstd")
                .set("spark.ui.showConsoleProgress", "false")
                // Every dataset is a path-based Delta table.
                .set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                // A table's state is rebuilt from its log in this many tasks (Delta's default, 50, suits logs of
                // millions of files; these tables hold thousands, and each stage run reads a few of them).
                // spark.conf can raise it.
                .set("spark.databricks.delta.snapshotPartitions", "4")
                // A MERGE copies its source into executor memory first unless told the source cannot change between
                // its two passes. Every MERGE here reads files this run wrote and nothing rewrites them meanwhile, so
                // the copy (of every spectrogram or face of a full rerun) is skipped.
                .set("spark.databricks.delta.merge.materializeSource", "none")
                // Compiled query code is kept for reuse, keyed by its source. Spark keeps 100 classes; a stage run
                // with its Delta reads and MERGEs generates a few hundred, so every stage of a pipeline (and every
                // rerun) compiled them again: IngestJobsTest compiled 1,530 classes with 100, 359 with room for
                // all. A class takes tens of KiB of metaspace, so the cap below costs at most tens of MiB.
                .set("spark.sql.codegen.cache.maxEntries", "2000");
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
