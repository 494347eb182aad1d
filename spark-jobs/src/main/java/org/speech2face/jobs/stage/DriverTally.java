package org.speech2face.jobs.stage;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import org.speech2face.contracts.RejectReason;
import org.speech2face.contracts.RejectsDataset;
import org.speech2face.jobs.io.DeltaTables;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link StagedOutcome} for a run that did few rows, tallied on the driver: the same rules as the distributed
 * tally (a task reject of a written key is dropped, one reject per key, a candidate with neither is lost and
 * becomes an internal_error), over collected keys. The outcome's frames are local relations, so the MERGEs that
 * follow read them without another scan.
 */
final class DriverTally {
    /** Rows read back are nullable whatever the contract says; the local frames say so too. */
    private static final StructType REJECT_SCHEMA = DeltaTables.nullable(RejectsDataset.SCHEMA);
    private static final Comparator<Row> BY_LINE_THEN_KEY = Comparator
            .comparing((Row r) -> r.isNullAt(2) ? null : r.getLong(2), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(r -> r.getString(0), Comparator.nullsFirst(Comparator.naturalOrder()));

    private DriverTally() {
    }

    /** @param parseRejects the plan's rejected rows, or null when it has none (one Spark job fewer) */
    static StagedOutcome collect(SparkSession spark, FileSystem fs, Path data, Path taskRejects,
                                 Dataset<Row> parseRejects, Dataset<Row> candidates, String runId) throws IOException {
        List<Row> written = fs.exists(data)
                ? spark.read().schema(StagedOutcome.KEY_SCHEMA).parquet(data.toString()).collectAsList() : List.of();
        Set<String> accounted = new HashSet<>();
        written.forEach(r -> accounted.add(r.getString(0)));
        Set<String> writtenKeys = Set.copyOf(accounted);

        List<Row> rejects = new ArrayList<>();
        if (parseRejects != null) {
            rejects.addAll(parseRejects.select(KeyedStageJob.rejectColumns(runId)).collectAsList());
        }
        rejects.forEach(r -> accounted.add(r.getString(0)));
        if (fs.exists(taskRejects)) {
            Set<String> seen = new HashSet<>();
            for (Row r : spark.read().schema(RejectsDataset.SCHEMA).json(taskRejects.toString()).collectAsList()) {
                String key = r.getString(0);
                if (key != null && !writtenKeys.contains(key) && seen.add(key)) {
                    rejects.add(r);
                    accounted.add(key);
                }
            }
        }
        long lost = 0;
        for (Row c : candidates.select("key", "youtube_id", "line", "raw").collectAsList()) {
            String key = c.getString(0);
            if (!accounted.contains(key)) {
                Long line = c.isNullAt(2) ? null : c.getLong(2);
                String where = line == null ? "Row " + key : "Line " + line + " (" + key + ")";
                rejects.add(new GenericRowWithSchema(new Object[]{key, c.getString(1), line,
                        RejectReason.INTERNAL_ERROR.code(), where + StagedOutcome.LOST, c.getString(3), runId, null},
                        REJECT_SCHEMA));
                lost++;
            }
        }

        Map<String, Long> byReason = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
        rejects.forEach(r -> byReason.merge(r.getString(3), 1L, Long::sum));
        List<Row> samples = new ArrayList<>(rejects);
        samples.sort(BY_LINE_THEN_KEY);
        Dataset<Row> writtenFrame = spark.createDataFrame(written, StagedOutcome.KEY_SCHEMA);
        Dataset<Row> rejectFrame = spark.createDataFrame(rejects, REJECT_SCHEMA);
        Set<String> keys = new HashSet<>(writtenKeys);
        rejects.forEach(r -> {
            if (!r.isNullAt(0)) {
                keys.add(r.getString(0));
            }
        });
        return new StagedOutcome(writtenFrame, rejectFrame, null, written.size(), rejects.size(), lost,
                new LinkedHashMap<>(byReason), new ArrayList<>(samples.subList(0, Math.min(StagedOutcome.SAMPLES, samples.size()))),
                keys);
    }
}
