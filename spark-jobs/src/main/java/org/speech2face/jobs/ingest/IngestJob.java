package org.speech2face.jobs.ingest;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.DataLayout;
import org.speech2face.data.RejectReason;
import org.speech2face.data.VideoLocator;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.io.DatasetCommitter;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.jobs.io.RejectsDataset;
import org.speech2face.jobs.report.ProgressLogger;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.report.RunReportWriter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The shape every ingest stage shares: plan the CSV's rows (parse, deduplicate, skip what is done), process the
 * rest clip by clip on executors, stage output and rejects, and commit both at once. Subclasses say only what a
 * clip becomes. The invariant the report checks: rows in = skipped + written + rejected.
 */
public abstract class IngestJob implements SparkJob {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

    /** The dataset this stage writes, e.g. {@code faces}. */
    protected abstract String datasetName();

    /** The output schema; its first column is {@code clip_id}. */
    protected abstract StructType schema();

    /** The per-clip work, built on executors. */
    protected abstract SegmentProcessor.Factory processor(S2fConfig config);

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
        RunReport report = new RunReport(stage, ctx.runId()).dryRun(ctx.dryRun()).output(target.toString())
                .config(cfg.rendered());
        ctx.spark().sparkContext().setJobGroup(stage, stage + ": " + summary(), false);

        if (!ctx.dryRun()) {
            int finished = committer.recover(layout.stagingRoot(stage));
            if (finished > 0) {
                report.note("Finished the commit of " + finished + " interrupted earlier run(s).");
            }
        }
        ctx.spark().sparkContext().setJobDescription(stage + ": read and plan " + cfg.input().csv());
        Dataset<Row> planned = CsvInput.read(ctx.spark(), cfg.input().csv(), ctx.limit(), cfg.split());
        long rowsIn = planned.count();
        if (!cfg.overwrite()) {
            Dataset<Row> done = ExistingKeys.of(ctx.spark(), committer, target, "clip_id")
                    .union(ExistingKeys.of(ctx.spark(), committer, rejectsDir, RejectsDataset.KEY));
            planned = planned.join(done, planned.col("key").equalTo(done.col("done_key")), "left_anti");
        }
        planned = planned.persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> parseRejects = planned.filter(col("reason_code").isNotNull());
        Dataset<Row> candidates = planned.filter(col("reason_code").isNull());
        long toDo = planned.count();
        long toProcess = candidates.count();
        report.count("rows_in", rowsIn).count("skipped_existing", rowsIn - toDo).count("to_process", toProcess);
        LOG.info("{}: {} rows in, {} already done, {} to process, {} rejected while parsing.", stage, rowsIn,
                rowsIn - toDo, toProcess, toDo - toProcess);
        if (ctx.dryRun()) {
            countReasons(parseRejects, report);
            report.count("parse_rejects", toDo - toProcess).note("Dry run: nothing was read from videos or written.");
            planned.unpersist();
            return report.finish();
        }

        LongAccumulator written = ctx.spark().sparkContext().longAccumulator(stage + ".written");
        LongAccumulator rejected = ctx.spark().sparkContext().longAccumulator(stage + ".rejected");
        Path data = new Path(staging, "data");
        Path taskRejects = new Path(staging, "task-rejects");
        long t0 = System.nanoTime();
        if (toProcess > 0) {
            int partitions = cfg.ingest().partitions() > 0 ? cfg.ingest().partitions()
                    : ctx.spark().sparkContext().defaultParallelism();
            VideoLocator locator = new VideoLocator(cfg.input().videos(), cfg.input().videoExtensions(),
                    cfg.ingest().localTmp());
            ProcessPartition fn = new ProcessPartition(stage, processor(cfg), locator, new HadoopConf(ctx.hadoopConf()),
                    taskRejects.toString(), ctx.runId(), written, rejected);
            ctx.spark().sparkContext().setJobDescription(stage + ": process " + toProcess + " clips");
            try (ProgressLogger ignored = new ProgressLogger(stage, written, rejected, toProcess,
                    cfg.progressIntervalSeconds())) {
                candidates.repartition(Math.max(1, (int) Math.min(partitions, toProcess)), col("youtube_id"))
                        .sortWithinPartitions("youtube_id", "start_s")
                        .mapPartitions(fn, Encoders.row(schema()))
                        .write().parquet(data.toString());
            }
        }
        double processSeconds = (System.nanoTime() - t0) / 1e9;

        ctx.spark().sparkContext().setJobDescription(stage + ": stage rejects and commit");
        StagedOutcome outcome = StagedOutcome.collect(ctx.spark(), fs, data, taskRejects, parseRejects, candidates,
                ctx.runId());
        List<String> deletes = new ArrayList<>();
        if (cfg.overwrite()) {
            deletes.addAll(Overwrite.retainOthers(ctx.spark(), committer, target, "clip_id", planned, data));
            deletes.addAll(Overwrite.retainOthers(ctx.spark(), committer, rejectsDir, RejectsDataset.KEY, planned,
                    outcome.rejectsPath()));
        }
        List<DatasetCommitter.Move> moves = List.of(
                new DatasetCommitter.Move(data.toString(), target.toString()),
                new DatasetCommitter.Move(outcome.rejectsPath().toString(), rejectsDir.toString()));
        committer.commit(staging, new DatasetCommitter.Plan(ctx.runId(), deletes, moves));
        planned.unpersist();

        report.count("written", outcome.written()).count("rejected", outcome.rejectedTotal());
        outcome.byReason().forEach(report::rejectReason);
        outcome.samples(cfg.reportSampleRejects()).forEach(report::sampleReject);
        long accounted = (rowsIn - toDo) + outcome.written() + outcome.rejectedTotal();
        report.count("accounted", accounted);
        if (accounted != rowsIn) {
            throw new IllegalStateException(stage + " accounted for " + accounted + " of " + rowsIn
                    + " input rows; this is a bug, the run was committed and its report says more.");
        }
        if (outcome.lost() > 0) {
            report.note(outcome.lost() + " row(s) produced neither output nor a reject and were recorded as "
                    + RejectReason.INTERNAL_ERROR.code() + ".");
        }
        report.figure("process_seconds", round(processSeconds))
                .figure("clips_per_second", round(toProcess / Math.max(processSeconds, 1e-9)));
        report.finish();
        Path md = RunReportWriter.write(report, layout.runReports(datasetName()), ctx.hadoopConf());
        LOG.info("{}: {} written, {} rejected, {} skipped; report {}", stage, outcome.written(),
                outcome.rejectedTotal(), rowsIn - toDo, md);
        return report;
    }

    private static void countReasons(Dataset<Row> rejects, RunReport report) {
        for (Row r : rejects.groupBy("reason_code").count().collectAsList()) {
            report.rejectReason(r.getString(0), r.getLong(1));
        }
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    static Map<String, Object> rejectSample(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String f : new String[]{RejectsDataset.KEY, "reason_code", "message"}) {
            m.put(f, r.getAs(f));
        }
        return m;
    }

    static Column[] rejectColumns(String runId) {
        return new Column[]{col("key").as(RejectsDataset.KEY), col("youtube_id"), col("line"), col("reason_code"),
                col("message"), col("raw").as("input"), lit(runId).as("run_id")};
    }
}
