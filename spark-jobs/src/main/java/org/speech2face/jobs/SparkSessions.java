package org.speech2face.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.speech2face.config.S2fConfig;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the one SparkSession of an s2f run from {@code spark.*} config. */
public final class SparkSessions {
    /**
     * In local mode, unless spark.conf sets it, twice the local cores. Spark's 200 suits a cluster; on one machine
     * every query that reads a cached plan (each stage's plan is cached until it commits, and its joins and window
     * leave it in that many partitions, which adaptive execution does not coalesce in a cached plan) ran 200 tasks of
     * a few rows each: a cold ingest-faces of the sample's 17 rows took 51 s with 200 and 35 s with 4, its commit
     * 34 s against 20 s (docs/benchmarks.md#shuffle-partitions).
     */
    static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d{1,6})(?:,\\s*\\d{1,6})?])?");

    private SparkSessions() {
    }

    /** Sets {@link #SHUFFLE_PARTITIONS} for a local master when nothing else has. */
    static SparkConf localShufflePartitions(SparkConf conf) {
        int cores = localCores(conf.get("spark.master", ""));
        if (cores > 0 && !conf.contains(SHUFFLE_PARTITIONS)) {
            conf.set(SHUFFLE_PARTITIONS, String.valueOf(2 * cores));
        }
        return conf;
    }

    /** The cores of a local master ({@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]}), else 0. */
    static int localCores(String master) {
        Matcher m = LOCAL.matcher(master == null ? "" : master.trim());
        if (!m.matches()) {
            return 0;
        }
        if (m.group(1) == null) {
            return 1;
        }
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                : Math.max(1, Integer.parseInt(m.group(1)));
    }

    public static SparkSession create(S2fConfig.SparkSettings settings) {
        SparkConf conf = new SparkConf()
                .setAppName(settings.appName())
                // ND4J arrays cross the wire during training; its registrator makes Kryo handle them.
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
                // Each averaging round sends every worker's parameters and optimiser state back as task results:
                // about 1.3 GB for the paper-size decoder (its frozen VGGFace included), past Spark's defaults (a
                // 64 MB Kryo buffer, 1 GB of results on the driver). Unless spark-submit or spark.conf sets them,
                // Kryo's buffer may grow to Java's array limit and the driver takes results of any total size
                // (docs/benchmarks.md#decoder-loop).
                .setIfMissing("spark.kryoserializer.buffer.max", "2047m")
                .setIfMissing("spark.driver.maxResultSize", "0")
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
        localShufflePartitions(conf);
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
