package org.speech2face.jobs.stage;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.RejectReason;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkJob;
import org.speech2face.contracts.RejectsDataset;
import org.speech2face.jobs.io.DeltaTables;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.report.ProgressLogger;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.report.RunReportWriter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The shape every keyed stage shares, ingest and feature stages alike: plan the input's rows, decide by each key's
 * last outcome which to do ({@link OutcomePlan}), process those on executors into a staging folder, and MERGE the
 * rejects and then the rows into their Delta tables by key ({@link StageCommit}). The invariant the report checks:
 * rows in = unchanged + written + rejected.
 *
 * <p>A subclass plans (a frame with the {@link #PLAN_COLUMNS}, {@code reason_code} set on rows already known to be
 * bad) and processes the candidates into Parquet under the staging folder. Output rows whose key is done again
 * (under {@code overwrite}, {@code --only}/{@code --where}, or because {@link #reusable} disowns them, e.g. features
 * of other weights) are replaced, never duplicated.
 */
public abstract class KeyedStageJob implements SparkJob {
    private static final Logger LOG = LoggerFactory.getLogger(KeyedStageJob.class);
    /** A staging folder this old belongs to a run that died before committing, not to one still running. */
    private static final long STALE_STAGING_MS = 24L * 3_600_000;

    /**
     * What a keyed stage counts: {@code rows_in = unchanged + new + retried + replaced}, and
     * {@code rows_in = unchanged + written + rejected = accounted}.
     */
    public enum Counts implements Counter {
        /** Input rows planned (after --limit). */
        ROWS_IN,
        /** Rows whose last outcome stands: written from the current inputs, or rejected for their content. */
        UNCHANGED,
        /** Rows done this run whose key no run had seen. */
        NEW,
        /** Rows done this run whose last outcome was a reject (retryable, input changed, or asked for). */
        RETRIED,
        /** Rows done this run that had an output row (overwrite, --only/--where, or made from other weights). */
        REPLACED,
        /** Rows handed to the executors. */
        TO_PROCESS,
        /** Existing output rows made from other inputs (other weights, an older model) that this run replaces. */
        STALE_REPLACED,
        /** Dry run only: rows the plan already rejects (bad CSV rows, duplicates). */
        PARSE_REJECTS,
        WRITTEN,
        REJECTED,
        /** unchanged + written + rejected; the run fails if it is not rows_in. */
        ACCOUNTED
    }

    /**
     * Up to this many rows to do, a run's outcome is tallied on the driver ({@link StagedOutcome#collect}): their
     * keys and rejects are a few megabytes at most, and a rerun of a few rows then commits seconds sooner.
     */
    static final long DRIVER_TALLY_MAX_ROWS = 10_000;

    /**
     * How {@link #process} writes its staging Parquet: uncompressed. The rows are read back once by the MERGE and
     * deleted; spectrograms and features are float arrays that Snappy barely shrinks, and parquet-mr 1.13's Snappy
     * reader grows its buffer chunk by chunk (PARQUET-2429), which made reading megabyte pages back the slowest part
     * of a commit.
     */
    protected static final java.util.Map<String, String> STAGING = java.util.Map.of("compression", "none");

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

    /**
     * Which existing output rows a rerun keeps, as a predicate over the output table; by default all. Rows it
     * refuses (made from other weights, an older model) count as stale and are redone.
     */
    protected Column reusable(JobContext ctx) {
        return lit(true);
    }

    /**
     * The current {@code <bytes>:<mtime>} of a planned row's input file, as a column over the plan, or null when
     * the stage's input is not a file; a reject about a file's content stands only while this is unchanged.
     */
    protected Column inputFingerprint(JobContext ctx) {
        return null;
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
        Path rejectsTable = layout.dataset(DataLayout.REJECTS);
        Path staging = layout.staging(stage, ctx.runId());
        FileSystem fs = ctx.fs(layout.rootPath());
        RunReport report = new RunReport(stage, ctx.runId(), List.of(Counts.values())).dryRun(ctx.dryRun())
                .output(target.toString()).config(cfg.rendered());
        ctx.spark().sparkContext().setJobGroup(stage, stage + ": " + summary(), false);
        DeltaTables.signCommits(ctx.spark(), stage, ctx.runId());
        preflight(ctx);

        ctx.spark().sparkContext().setJobDescription(stage + ": read and plan the input");
        long tPlan = System.nanoTime();
        OutcomePlan plan;
        try {
            plan = OutcomePlan.of(ctx, stage, plan(ctx), target, rejectsTable, reusable(ctx), inputFingerprint(ctx));
        } catch (Exception e) { // Spark's AnalysisException, undeclared in Scala
            if (ctx.rerun().where() == null || !(e instanceof AnalysisException ae)) {
                throw e;
            }
            throw new IllegalArgumentException("--where '" + ctx.rerun().where() + "' does not fit " + stage
                    + "'s plan: " + ae.getSimpleMessage(), e);
        }
        Dataset<Row> planned = plan.todo;
        Dataset<Row> parseRejects = planned.filter(col("reason_code").isNotNull());
        Dataset<Row> candidates = planned.filter(col("reason_code").isNull());
        long rowsIn = plan.rowsIn;
        long toDo = rowsIn - plan.unchanged;
        long toProcess = plan.toProcess;
        report.count(Counts.ROWS_IN, rowsIn).count(Counts.UNCHANGED, plan.unchanged).count(Counts.NEW, plan.fresh)
                .count(Counts.RETRIED, plan.retried).count(Counts.REPLACED, plan.replaced)
                .count(Counts.TO_PROCESS, toProcess).count(Counts.STALE_REPLACED, plan.stale);
        LOG.info("{}: {} rows in, {} unchanged, {} to do ({} new, {} retried, {} replaced), {} rejected while "
                + "planning.", stage, rowsIn, plan.unchanged, toDo, plan.fresh, plan.retried, plan.replaced,
                toDo - toProcess);
        describe(ctx, report);
        if (ctx.dryRun()) {
            countReasons(parseRejects, report);
            report.count(Counts.PARSE_REJECTS, toDo - toProcess).note("Dry run: no input was processed and nothing written.");
            plan.release();
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
        double planSeconds = (t0 - tPlan) / 1e9;
        long tCommit = System.nanoTime();

        ctx.spark().sparkContext().setJobDescription(stage + ": commit rejects, then rows");
        StagedOutcome outcome = toDo == 0 ? StagedOutcome.none()
                : StagedOutcome.collect(ctx.spark(), fs, data, taskRejects, parseRejects, toDo - toProcess, candidates,
                toProcess, ctx.runId(), DRIVER_TALLY_MAX_ROWS);
        if (outcome.hasRejects() || plan.withReject > 0) {
            StageCommit.rejects(ctx.spark(), rejectsTable, stage, outcome.writtenKeys(),
                    outcome.hasRejects() ? outcome.rejects() : null,
                    plan.withReject > 0 ? planned.filter(col("had_reject")).select("key") : null,
                    outcome.keysOnDriver());
        }
        Dataset<Row> rejectedRows = outcome.hasRejects() && plan.replaced > 0
                ? outcome.rejects().select(col(RejectsDataset.KEY).as("key")) : null;
        if (outcome.written() > 0 || rejectedRows != null) {
            StageCommit.rows(ctx.spark(), target, schema(), data, outcome.written() > 0, rejectedRows,
                    plan.replaced > 0, outcome.keysOnDriver());
        }
        outcome.release();
        plan.release();
        double commitSeconds = (System.nanoTime() - tCommit) / 1e9;
        List<String> removed = StageCommit.cleanStaging(fs, layout.stagingRoot(stage), staging, STALE_STAGING_MS);
        if (!removed.isEmpty()) {
            report.note("Deleted the staging of run(s) " + String.join(", ", removed) + ", which stopped more than "
                    + STALE_STAGING_MS / 3_600_000 + " hours ago before committing; their rows were redone.");
        }

        report.count(Counts.WRITTEN, outcome.written()).count(Counts.REJECTED, outcome.rejectedTotal());
        outcome.byReason().forEach(report::rejectReason);
        outcome.samples(cfg.reportSampleRejects()).forEach(report::sampleReject);
        long accounted = plan.unchanged + outcome.written() + outcome.rejectedTotal();
        report.count(Counts.ACCOUNTED, accounted);
        if (accounted != rowsIn) {
            throw new IllegalStateException(stage + " accounted for " + accounted + " of " + rowsIn
                    + " input rows; this is a bug, the run was committed and its report says more.");
        }
        if (outcome.lost() > 0) {
            report.note(outcome.lost() + " row(s) produced neither output nor a reject and were recorded as "
                    + RejectReason.INTERNAL_ERROR.code() + ".");
        }
        // Where a run's time went: a rerun that does a few rows is mostly planning and committing.
        report.figure("plan_seconds", round(planSeconds)).figure("process_seconds", round(processSeconds))
                .figure("commit_seconds", round(commitSeconds))
                .headline(unit() + "_per_second", round(toProcess / Math.max(processSeconds, 1e-9)));
        report.finish();
        Path md = RunReportWriter.write(report, layout.runReports(datasetName()), ctx.hadoopConf());
        LOG.info("{}: {} written, {} rejected, {} unchanged; report {}", stage, outcome.written(),
                outcome.rejectedTotal(), plan.unchanged, md);
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
                col("message"), col("raw").as("input"), lit(runId).as("run_id"),
                lit(null).cast(DataTypes.StringType).as(RejectsDataset.FINGERPRINT)};
    }
}
