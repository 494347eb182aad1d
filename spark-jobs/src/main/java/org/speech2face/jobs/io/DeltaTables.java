package org.speech2face.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every dataset under {@code data.root} is a path-based Delta table, so a local path, {@code hdfs://} and
 * {@code s3a://} roots work alike and no catalog is needed. Readers go through Delta, never the Parquet files: a
 * table folder also holds removed files and, after an update, deletion vectors that plain Parquet readers ignore.
 */
public final class DeltaTables {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaTables.class);

    /** How often a commit that lost a race with another run is retried before the run stops. */
    public static final int CONFLICT_ATTEMPTS = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeltaTables() {
    }

    /** Whether {@code dir} holds a Delta table (a {@code _delta_log} with at least one commit). */
    public static boolean exists(SparkSession spark, Path dir) {
        return DeltaTable.isDeltaTable(spark, dir.toString());
    }

    /** The table's current rows. */
    public static Dataset<Row> read(SparkSession spark, Path dir) {
        return spark.read().format("delta").load(dir.toString());
    }

    /**
     * The table's rows as of its current version, pinned to that version: later commits (this run's own) change
     * neither what the frame holds nor, since it is not the live table, anything Spark cached from it. Delta
     * re-plans every cached frame over a table it commits to, and a run's plan, cached until it commits, would
     * otherwise be planned again from the table it has just changed.
     */
    public static Dataset<Row> readPinned(SparkSession spark, Path dir) {
        long version = org.apache.spark.sql.delta.DeltaLog.forTable(spark, dir.toString()).update(false,
                scala.Option.empty(), scala.Option.empty()).version();
        return spark.read().format("delta").option("versionAsOf", version).load(dir.toString());
    }

    /** The table's current rows, or no rows of {@code schema} when there is no table yet. */
    public static Dataset<Row> readOrEmpty(SparkSession spark, Path dir, StructType schema) {
        return exists(spark, dir) ? read(spark, dir) : spark.createDataFrame(List.of(), schema);
    }

    /**
     * Creates the table with {@code schema}, partitioned by {@code partitionColumns}, unless it exists. Deletion
     * vectors are on, so a MERGE that replaces a few rows marks them deleted instead of rewriting their files. Two
     * runs creating it at once: the loser sees the winner's table and goes on.
     */
    public static void createIfMissing(SparkSession spark, Path dir, StructType schema, List<String> partitionColumns) {
        for (int attempt = 1; ; attempt++) {
            try {
                withConflictRetry(spark, dir, "create the table " + dir, () -> {
                    DeltaTableBuilder b = DeltaTable.createIfNotExists(spark).location(dir.toString())
                            .addColumns(nullable(schema)).property("delta.enableDeletionVectors", "true");
                    if (!partitionColumns.isEmpty()) {
                        b = b.partitionedBy(partitionColumns.toArray(String[]::new));
                    }
                    return b.execute();
                });
                return;
            } catch (RuntimeException e) {
                // Another run is creating it right now: its _delta_log exists, its first commit not yet.
                if (attempt >= CONFLICT_ATTEMPTS || !String.valueOf(e.getMessage()).contains("DELTA_TABLE_NOT_FOUND")) {
                    throw e;
                }
                LOG.warn("The table {} is being created by another run; looking again (attempt {} of {}).", dir,
                        attempt + 1, CONFLICT_ATTEMPTS);
                sleepQuietly(200L * attempt + ThreadLocalRandom.current().nextLong(300));
            }
        }
    }

    /**
     * Runs a Delta commit, and again when it lost a race with another run's commit (Delta's optimistic concurrency
     * raises a {@link ConcurrentModificationException} subclass for the loser and commits nothing). The commits
     * here are MERGEs on the key, so doing one again after the other run's commit never duplicates a row.
     */
    public static <T> T withConflictRetry(SparkSession spark, Path table, String what, Callable<T> commit) {
        for (int attempt = 1; ; attempt++) {
            try {
                return commit.call();
            } catch (ConcurrentModificationException e) {
                String other = lastWriter(spark, table);
                if (attempt >= CONFLICT_ATTEMPTS) {
                    throw new IllegalStateException("Could not " + what + ": another run (" + other + ") committed "
                            + "to it first " + attempt + " times in a row (" + e.getClass().getSimpleName() + "). Let "
                            + "that run finish, then rerun this one; it redoes nothing already committed.", e);
                }
                LOG.warn("Another run ({}) committed first ({}); trying again to {} (attempt {} of {}).", other,
                        e.getClass().getSimpleName(), what, attempt + 1, CONFLICT_ATTEMPTS);
                sleepQuietly(200L * attempt + ThreadLocalRandom.current().nextLong(300));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Could not " + what + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Replaces all of the table's rows with {@code rows} in one commit (creating the table if needed): readers see
     * the old rows or the new, never a mix. For small derived tables (priors, report tables) that a run recomputes
     * whole.
     */
    public static void replace(SparkSession spark, Dataset<Row> rows, Path dir) {
        withConflictRetry(spark, dir, "replace the table " + dir, () -> {
            rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(dir.toString());
            return null;
        });
    }

    /** Deletes every row of the table, if there is one (a report table this run had nothing for). */
    public static void clear(SparkSession spark, Path dir) {
        if (exists(spark, dir)) {
            withConflictRetry(spark, dir, "clear the table " + dir, () -> {
                DeltaTable.forPath(spark, dir.toString()).delete();
                return null;
            });
        }
    }

    /**
     * The schema with every field, element and value nullable. Spark reads every file source as nullable, so a
     * table declared with the contracts' NOT NULL fields would refuse the staged rows; the contracts' writers
     * still never write a null where the contract has none.
     */
    public static StructType nullable(StructType schema) {
        StructField[] fields = new StructField[schema.fields().length];
        for (int i = 0; i < fields.length; i++) {
            StructField f = schema.fields()[i];
            fields[i] = new StructField(f.name(), nullable(f.dataType()), true, f.metadata());
        }
        return new StructType(fields);
    }

    private static DataType nullable(DataType t) {
        if (t instanceof StructType st) {
            return nullable(st);
        }
        if (t instanceof ArrayType at) {
            return new ArrayType(nullable(at.elementType()), true);
        }
        if (t instanceof MapType mt) {
            return new MapType(nullable(mt.keyType()), nullable(mt.valueType()), true);
        }
        return t;
    }

    /** The table's current version, for reports; -1 when there is no table. */
    public static long version(SparkSession spark, Path dir) {
        if (!exists(spark, dir)) {
            return -1;
        }
        return org.apache.spark.sql.delta.DeltaLog.forTable(spark, dir.toString()).unsafeVolatileSnapshot().version();
    }

    /**
     * Signs this session's commits with the stage and run, so that Delta's history says which run wrote what and a
     * run that loses a commit race can name the winner.
     */
    public static void signCommits(SparkSession spark, String stage, String runId) {
        spark.conf().set("spark.databricks.delta.commitInfo.userMetadata", "s2f " + stage + " run " + runId);
    }

    /** Who made the table's newest commit, from its commitInfo (the signature of {@link #signCommits}). */
    static String lastWriter(SparkSession spark, Path table) {
        try {
            Path log = new Path(table, "_delta_log");
            FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
            Path newest = null;
            for (FileStatus st : fs.listStatus(log)) {
                String name = st.getPath().getName();
                if (name.matches("\\d{20}\\.json") && (newest == null || name.compareTo(newest.getName()) > 0)) {
                    newest = st.getPath();
                }
            }
            if (newest != null) {
                try (var in = fs.open(newest)) {
                    for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                            .split("\n")) {
                        JsonNode info = JSON.readTree(line).get("commitInfo");
                        if (info != null) {
                            return info.path("userMetadata").asText("an unsigned writer") + ", version "
                                    + newest.getName().substring(0, 20).replaceFirst("^0+(?=.)", "");
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not read the newest commit of {}.", table, e);
        }
        return "unknown";
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry a commit.", e);
        }
    }
}
