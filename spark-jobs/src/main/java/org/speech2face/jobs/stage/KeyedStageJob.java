package org.speech2face.jobs.stage;

import org.speech2face.jobs.io.ExistingKeys;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.RejectReason;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.io.DatasetCommitter;
import org.speech2face.contracts.RejectsDataset;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.report.ProgressLogger;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.report.RunReportWriter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The shape every keyed stage shares, ingest and feature stages alike: plan the input's rows, skip keys already
 * written or rejected, process the rest on executors, stage output and rejects, and commit both at once. The
 * invariant the report checks: rows in = skipped + written + rejected.
 *
 * <p>A subclass plans (a frame with the {@link #PLAN_COLUMNS}, {@code reason_code} set on rows already known to be
 * bad) and processes the candidates into Parquet under a staging folder. Output rows whose key is planned again
 * (under {@code overwrite}, or because {@link #reusableKeys} disowns them, e.g. features of other weights) are
 * replaced, never duplicated.
 */
public abstract class KeyedStageJob implements SparkJob {
    private static final Logger LOG = LoggerFactory.getLogger(KeyedStageJob.class);

    /** What a keyed stage counts; {@code rows_in = skipped_existing + written + rejected = accounted}. */
    public enum Counts implements Counter {
        /** Input rows planned (after --limit). */
        ROWS_IN,
        /** Rows whose key was written or rejected by an earlier run. */
        SKIPPED_EXISTING,
        /** Rows handed to the executors. */
        TO_PROCESS,
        /** Existing output rows made from other inputs (other weights, an older model) that this run replaces. */
        STALE_REPLACED,
        /** Dry run only: rows the plan already rejects (bad CSV rows, duplicates). */
        PARSE_REJECTS,
        WRITTEN,
        REJECTED,
        /** skipped + written + rejected; the run fails if it is not rows_in. */
        ACCOUNTED
    }

    /** Columns every plan has: key (the output's clip_id), youtube_id, line and raw input (may be null), verdict. */
    public static final List<String> PLAN_COLUMNS = List.of("key", "youtube_id", "line", "raw", "reason_code",
            "message");

    /** The dataset this stage writes, e.g. {@code faces}; its key column is {@code clip_id}. */
    protected abstract String datasetName();

    /** The output schema; its first column is {@code clip_id}. */
    protected abstract StructType schema();

    /** What one processed row is, for throughput figures: {@code clips}, {@code faces}... */
    protected abstract String unit();

    /**
     * The plan: one row per input row, with {@link #PLAN_COLUMNS} and whatever {@link #process} needs. May be
     * empty when the input does not exist yet in a dry run; otherwise a missing input is an error that says which
     * stage makes it.
     */
    protected abstract Dataset<Row> plan(JobContext ctx);

    /**
     * Processes the {@code candidates} (planned rows without a reason) into Parquet at {@code data}, counting into
     * {@code written} and {@code rejected}; rejects go as JSON lines under {@code taskRejects} (see RejectSink).
     */
    protected abstract void process(JobContext ctx, Dataset<Row> candidates, long count, Path data, Path taskRejects,
                                    LongAccumulator written, LongAccumulator rejected) throws Exception;

    /** The existing output rows a re-run keeps; by default all. Rows not kept count as stale and are redone. */
    protected Dataset<Row> reusableKeys(JobContext ctx, Dataset<Row> existingOutput) {
        return existingOutput;
    }

    /** Checks what must hold before anything is read (e.g. that the weights exist); throws a clear error if not. */
    protected void preflight(JobContext ctx) throws Exception {
    }

    /** Adds stage-specific notes and figures (e.g. which weights were used) before the report is written. */
    protected void describe(JobContext ctx, RunReport report) {
    }

    @Override
    public RunReport run(JobContext ctx) throws Exception {
        S2fConfig cfg = ctx.config();
        DataLayout layout = ctx.layout();
        String stage = name();
        Path target = layout.dataset(datasetName());
        Path rejectsDir = layout.rejects(stage);
        Path staging = layout.staging(stage, ctx.runId());
        FileSystem fs = ctx.fs(layout.rootPath());
        DatasetCommitter committer = new DatasetCommitter(fs);
        RunReport report = new RunReport(stage, ctx.runId(), List.of(Counts.values())).dryRun(ctx.dryRun()).output(target.toString())
                .config(cfg.rendered());
        ctx.spark().sparkContext().setJobGroup(stage, stage + ": " + summary(), false);
        preflight(ctx);

        if (!ctx.dryRun()) {
            committer.recover(layout.stagingRoot(stage)).notes().forEach(report::note);
        }
        ctx.spark().sparkContext().setJobDescription(stage + ": read and plan the input");
        Dataset<Row> planned = plan(ctx);
        long rowsIn = planned.count();
        long stale = 0;
        if (!cfg.overwrite()) {
            Dataset<Row> existing = ExistingKeys.of(ctx.spark(), committer, target, "clip_id", d -> reusableKeys(ctx, d));
            Dataset<Row> done = existing.union(ExistingKeys.of(ctx.spark(), committer, rejectsDir, RejectsDataset.KEY,
                    d -> d));
            Dataset<Row> all = ExistingKeys.of(ctx.spark(), committer, target, "clip_id", d -> d);
            stale = planned.join(all, planned.col("key").equalTo(all.col("done_key")), "left_semi")
                    .join(done, planned.col("key").equalTo(done.col("done_key")), "left_anti").count();
            planned = planned.join(done, planned.col("key").equalTo(done.col("done_key")), "left_anti");
        }
        planned = planned.persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> parseRejects = planned.filter(col("reason_code").isNotNull());
        Dataset<Row> candidates = planned.filter(col("reason_code").isNull());
        // One pass over the persisted plan counts both.
        Row todo = planned.agg(count(lit(1)), sum(when(col("reason_code").isNull(), 1L).otherwise(0L))).first();
        long toDo = todo.getLong(0);
        long toProcess = todo.isNullAt(1) ? 0 : todo.getLong(1);
        report.count(Counts.ROWS_IN, rowsIn).count(Counts.SKIPPED_EXISTING, rowsIn - toDo)
                .count(Counts.TO_PROCESS, toProcess).count(Counts.STALE_REPLACED, stale);
        LOG.info("{}: {} rows in, {} already done, {} to process ({} replacing stale rows), {} rejected while "
                + "planning.", stage, rowsIn, rowsIn - toDo, toProcess, stale, toDo - toProcess);
        describe(ctx, report);
        if (ctx.dryRun()) {
            countReasons(parseRejects, report);
            report.count(Counts.PARSE_REJECTS, toDo - toProcess).note("Dry run: no input was processed and nothing written.");
            planned.unpersist();
            return report.finish();
        }

        LongAccumulator written = ctx.spark().sparkContext().longAccumulator(stage + ".written");
        LongAccumulator rejected = ctx.spark().sparkContext().longAccumulator(stage + ".rejected");
        Path data = new Path(staging, "data");
        Path taskRejects = new Path(staging, "task-rejects");
        long t0 = System.nanoTime();
        if (toProcess > 0) {
            ctx.spark().sparkContext().setJobDescription(stage + ": process " + toProcess + " " + unit());
            try (ProgressLogger ignored = new ProgressLogger(stage, written, rejected, toProcess,
                    cfg.progressIntervalSeconds())) {
                process(ctx, candidates, toProcess, data, taskRejects, written, rejected);
            }
        }
        double processSeconds = (System.nanoTime() - t0) / 1e9;

        ctx.spark().sparkContext().setJobDescription(stage + ": stage rejects and commit");
        StagedOutcome outcome = StagedOutcome.collect(ctx.spark(), fs, data, taskRejects, parseRejects, candidates,
                ctx.runId());
        List<String> deletes = new ArrayList<>();
        if (cfg.overwrite() || stale > 0) {
            deletes.addAll(Overwrite.retainOthers(ctx.spark(), committer, target, "clip_id", planned, data));
        }
        if (cfg.overwrite()) {
            deletes.addAll(Overwrite.retainOthers(ctx.spark(), committer, rejectsDir, RejectsDataset.KEY, planned,
                    outcome.rejectsPath()));
        }
        List<DatasetCommitter.Move> moves = List.of(
                new DatasetCommitter.Move(data.toString(), target.toString()),
                new DatasetCommitter.Move(outcome.rejectsPath().toString(), rejectsDir.toString()));
        committer.commit(staging, new DatasetCommitter.Plan(ctx.runId(), deletes, moves));
        planned.unpersist();

        report.count(Counts.WRITTEN, outcome.written()).count(Counts.REJECTED, outcome.rejectedTotal());
        outcome.byReason().forEach(report::rejectReason);
        outcome.samples(cfg.reportSampleRejects()).forEach(report::sampleReject);
        long accounted = (rowsIn - toDo) + outcome.written() + outcome.rejectedTotal();
        report.count(Counts.ACCOUNTED, accounted);
        if (accounted != rowsIn) {
            throw new IllegalStateException(stage + " accounted for " + accounted + " of " + rowsIn
                    + " input rows; this is a bug, the run was committed and its report says more.");
        }
        if (outcome.lost() > 0) {
            report.note(outcome.lost() + " row(s) produced neither output nor a reject and were recorded as "
                    + RejectReason.INTERNAL_ERROR.code() + ".");
        }
        report.figure("process_seconds", round(processSeconds))
                .headline(unit() + "_per_second", round(toProcess / Math.max(processSeconds, 1e-9)));
        report.finish();
        Path md = RunReportWriter.write(report, layout.runReports(datasetName()), ctx.hadoopConf());
        LOG.info("{}: {} written, {} rejected, {} skipped; report {}", stage, outcome.written(),
                outcome.rejectedTotal(), rowsIn - toDo, md);
        return report;
    }

    /** The number of partitions to process {@code count} rows in: the configured number, else the default. */
    protected static int partitions(JobContext ctx, int configured, long count) {
        int p = configured > 0 ? configured : ctx.spark().sparkContext().defaultParallelism();
        return Math.max(1, (int) Math.min(p, count));
    }

    private static void countReasons(Dataset<Row> rejects, RunReport report) {
        for (Row r : rejects.groupBy("reason_code").count().collectAsList()) {
            report.rejectReason(r.getString(0), r.getLong(1));
        }
    }

    public static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    static Map<String, Object> rejectSample(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String f : new String[]{RejectsDataset.KEY, "reason_code", "message"}) {
            m.put(f, r.getAs(f));
        }
        return m;
    }

    /** A plan's rows as rows of the rejects contract. */
    static Column[] rejectColumns(String runId) {
        return new Column[]{col("key").as(RejectsDataset.KEY), col("youtube_id"), col("line"), col("reason_code"),
                col("message"), col("raw").as("input"), lit(runId).as("run_id")};
    }
}
