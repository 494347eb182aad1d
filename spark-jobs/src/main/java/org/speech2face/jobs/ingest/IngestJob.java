package org.speech2face.jobs.ingest;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.VideoLocator;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.io.ContractColumns;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.KeyedStageJob;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

/**
 * The ingest stages: the plan is the AVSpeech CSV (parsed, deduplicated), and each clip is decoded from its
 * video on an executor. Subclasses say only what a clip becomes; skipping, staging, commit and the report's
 * accounting come from {@link KeyedStageJob}.
 */
public abstract class IngestJob extends KeyedStageJob {

    /** The per-clip work, built on executors. */
    protected abstract SegmentProcessor.Factory processor(S2fConfig config);

    @Override
    protected String unit() {
        return "clips";
    }

    /** The files of input.csv this run read, for its report. */
    private CsvFiles files;

    @Override
    protected Dataset<Row> plan(JobContext ctx) {
        S2fConfig cfg = ctx.config();
        ctx.spark().sparkContext().setJobDescription(name() + ": read and plan " + cfg.input().csv());
        files = CsvFiles.list(cfg.input().csv(), ctx.hadoopConf());
        return CsvInput.read(ctx.spark(), files, ctx.limit(), cfg.split());
    }

    /** The video's size and mtime, looked up on executors and only for rows rejected for their content. */
    @Override
    protected Column inputFingerprint(JobContext ctx) {
        S2fConfig cfg = ctx.config();
        VideoLocator locator = new VideoLocator(cfg.input().videos(), cfg.input().videoExtensions(),
                cfg.ingest().localTmp());
        HadoopConf conf = new HadoopConf(ctx.hadoopConf());
        UserDefinedFunction fingerprint = udf((UDF1<String, String>) id -> locator.fingerprint(id, conf.get()),
                DataTypes.StringType).asNondeterministic();
        return fingerprint.apply(col("youtube_id"));
    }

    @Override
    protected void describe(JobContext ctx, RunReport report) {
        if (files != null) {
            report.note("input.csv " + files.location() + ": " + files.describe() + "."
                    + (files.ignored().isEmpty() ? "" : " Not read (hidden or subfolders): "
                    + String.join(", ", files.ignored()) + "."));
        }
    }

    @Override
    protected void process(JobContext ctx, Dataset<Row> candidates, long count, Path data, Path taskRejects,
                           LongAccumulator written, LongAccumulator rejected) {
        S2fConfig cfg = ctx.config();
        VideoLocator locator = new VideoLocator(cfg.input().videos(), cfg.input().videoExtensions(),
                cfg.ingest().localTmp());
        ProcessPartition fn = new ProcessPartition(name(), processor(cfg), locator, new HadoopConf(ctx.hadoopConf()),
                taskRejects.toString(), ctx.runId(), written, rejected);
        // Rows of one video together and in time order: a remote clip is copied to local disk once.
        candidates.repartition(partitions(ctx, cfg.ingest().partitions(), count), col("youtube_id"))
                .sortWithinPartitions("youtube_id", "start_s")
                .mapPartitions(fn, Encoders.row(schema()))
                .select(ContractColumns.of(schema())) // the encoder drops the columns' comments
                .write().options(STAGING).parquet(data.toString());
    }
}
