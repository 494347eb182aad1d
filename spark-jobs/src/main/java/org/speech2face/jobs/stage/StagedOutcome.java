package org.speech2face.jobs.stage;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.speech2face.contracts.RejectReason;
import org.speech2face.contracts.RejectsDataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * After the processing write: counts what was written, turns the task-side reject files, the parse rejects and
 * any row that produced neither into this run's rejects, held in memory until they are committed. A reject whose
 * clip was nonetheless written (a failed attempt, then a successful retry) is dropped, so a row is never both
 * output and reject.
 */
final class StagedOutcome {
    /** How a row that produced neither output nor a reject is described, after its line or key. */
    static final String LOST = " produced neither an output row nor a reject; recorded here so it is not lost.";
    /** How many rejects a run keeps as samples for its report. */
    static final int SAMPLES = 100;
    static final StructType KEY_SCHEMA = new StructType().add("clip_id", DataTypes.StringType);
    private final Dataset<Row> writtenKeys;
    private final Dataset<Row> rejects;
    private final Dataset<Row> missing;
    private final long written;
    private final long rejectedTotal;
    private final long lost;
    private final Map<String, Long> byReason;
    private final List<Row> samples;
    private final Set<String> keysOnDriver;

    StagedOutcome(Dataset<Row> writtenKeys, Dataset<Row> rejects, Dataset<Row> missing, long written,
                  long rejectedTotal, long lost, Map<String, Long> byReason, List<Row> samples,
                  Set<String> keysOnDriver) {
        this.writtenKeys = writtenKeys;
        this.rejects = rejects;
        this.missing = missing;
        this.written = written;
        this.rejectedTotal = rejectedTotal;
        this.lost = lost;
        this.byReason = byReason;
        this.samples = samples;
        this.keysOnDriver = keysOnDriver;
    }

    /** The outcome of a run with nothing to do (every row unchanged): no Spark job needed to say so. */
    static StagedOutcome none() {
        return new StagedOutcome(null, null, null, 0, 0, 0, new LinkedHashMap<>(), List.of(), Set.of());
    }

    /**
     * Tallies the run. When at most {@code maxRowsOnDriver} rows were to be done (a rerun that redoes a few rows,
     * a day's small drop), the staged keys, the rejects and the candidates' keys are collected and tallied here:
     * two to four plain scans instead of the joins and the grouped count below, which adaptive execution runs as
     * seven jobs, each paying a cold JVM's code generation. Both ways give the same outcome
     * ({@code StagedOutcomeTest}).
     *
     * @param parseRejectCount how many rows of {@code parseRejects} there are (the plan counted them)
     * @param candidateCount   how many rows of {@code candidates} there are
     */
    static StagedOutcome collect(SparkSession spark, FileSystem fs, Path data, Path taskRejects,
                                 Dataset<Row> parseRejects, long parseRejectCount, Dataset<Row> candidates,
                                 long candidateCount, String runId, long maxRowsOnDriver) throws IOException {
        if (parseRejectCount + candidateCount <= maxRowsOnDriver) {
            return DriverTally.collect(spark, fs, data, taskRejects, parseRejectCount > 0 ? parseRejects : null,
                    candidates, runId);
        }
        return tallyWithSpark(spark, fs, data, taskRejects, parseRejects, candidates, runId);
    }

    private static StagedOutcome tallyWithSpark(SparkSession spark, FileSystem fs, Path data, Path taskRejects,
                                         Dataset<Row> parseRejects, Dataset<Row> candidates, String runId)
            throws IOException {
        // With the schema given, Spark reads no file footer to infer one (a Spark job of its own).
        Dataset<Row> writtenKeys = fs.exists(data)
                ? spark.read().schema(KEY_SCHEMA).parquet(data.toString())
                : spark.createDataFrame(List.of(), KEY_SCHEMA);
        writtenKeys = writtenKeys.persist(StorageLevel.MEMORY_AND_DISK());

        Dataset<Row> all = parseRejects.select(KeyedStageJob.rejectColumns(runId));
        if (fs.exists(taskRejects)) {
            Dataset<Row> fromTasks = spark.read().schema(RejectsDataset.SCHEMA).json(taskRejects.toString())
                    .filter(col(RejectsDataset.KEY).isNotNull())
                    .dropDuplicates(RejectsDataset.KEY);
            fromTasks = fromTasks.join(writtenKeys,
                    fromTasks.col(RejectsDataset.KEY).equalTo(writtenKeys.col("clip_id")), "left_anti");
            all = all.unionByName(fromTasks);
        }
        Dataset<Row> accounted = all.select(col(RejectsDataset.KEY).as("k")).union(writtenKeys);
        Dataset<Row> missing = candidates.join(accounted, candidates.col("key").equalTo(accounted.col("k")), "left_anti")
                .withColumn("reason_code", lit(RejectReason.INTERNAL_ERROR.code()))
                .withColumn("message", concat(when(col("line").isNull(), concat(lit("Row "), col("key")))
                                .otherwise(concat(lit("Line "), col("line"), lit(" ("), col("key"), lit(")"))),
                        lit(LOST)))
                .select(KeyedStageJob.rejectColumns(runId))
                .persist(StorageLevel.MEMORY_AND_DISK());
        all = all.unionByName(missing).persist(StorageLevel.MEMORY_AND_DISK());
        // One Spark job counts the rows written, the rejects by reason and the rows lost, and fills the three
        // caches; the total is the sum of the counts by reason, and there are samples only when there are rejects.
        // Each further action would be one more Spark job on every run.
        Column none = lit(null).cast(DataTypes.StringType);
        Dataset<Row> tally = writtenKeys.select(lit("written").as("kind"), none.as("reason_code"))
                .union(all.select(lit("rejected"), col("reason_code")))
                .union(missing.select(lit("lost"), none))
                .groupBy("kind", "reason_code").count().orderBy("kind", "reason_code");
        long written = 0;
        long lost = 0;
        long total = 0;
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (Row r : tally.collectAsList()) {
            switch (r.getString(0)) {
                case "written" -> written = r.getLong(2);
                case "lost" -> lost = r.getLong(2);
                default -> {
                    byReason.put(r.getString(1), r.getLong(2));
                    total += r.getLong(2);
                }
            }
        }
        List<Row> samples = total == 0 ? List.of()
                : new ArrayList<>(all.orderBy("line", RejectsDataset.KEY).limit(SAMPLES).collectAsList());
        return new StagedOutcome(writtenKeys, all, missing, written, total, lost, byReason, samples, null);
    }

    /** This run's rejects ({@code RejectsDataset.SCHEMA}), cached until {@link #release}. */
    Dataset<Row> rejects() {
        return rejects;
    }

    boolean hasRejects() {
        return rejectedTotal > 0;
    }

    /**
     * Every key this run wrote or rejected, when it was tallied on the driver (a small run); null when Spark
     * tallied it. A commit that knows them can name them in its predicate instead of joining.
     */
    Set<String> keysOnDriver() {
        return keysOnDriver;
    }

    /** The clip_ids this run wrote, one column {@code clip_id}. */
    Dataset<Row> writtenKeys() {
        return writtenKeys;
    }

    void release() {
        for (Dataset<Row> d : java.util.Arrays.asList(rejects, missing, writtenKeys)) {
            if (d != null) {
                d.unpersist();
            }
        }
    }

    long written() {
        return written;
    }

    long rejectedTotal() {
        return rejectedTotal;
    }

    long lost() {
        return lost;
    }

    Map<String, Long> byReason() {
        return byReason;
    }

    List<Map<String, Object>> samples(int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : samples.subList(0, Math.min(n, samples.size()))) {
            out.add(KeyedStageJob.rejectSample(r));
        }
        return out;
    }
}
