package org.speech2face.jobs.stage;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.speech2face.contracts.RejectReason;
import org.speech2face.contracts.RejectsDataset;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.RerunSelection;
import org.speech2face.jobs.io.DeltaTables;

import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Which planned rows a run does, decided by each key's last outcome: a key with an output row (made from the
 * current weights or model) is unchanged; a key rejected for its content stays rejected until its input file
 * changes; a key rejected for a retryable reason (missing or unreadable input, an internal error) and a key never
 * seen are done. {@code overwrite}, {@code --retry-rejects}, {@code --only} and {@code --where} override that.
 *
 * <p>One pass over the plan, joined with the output's and the rejects' keys, counts everything the report needs;
 * the plan is kept in memory for the processing that follows.
 */
final class OutcomePlan {
    /** What the key was before this run, for the report. */
    static final String PRIOR = "prior";
    static final String NEW = "new";
    static final String RETRIED = "retried";
    static final String REPLACED = "replaced";

    private static final StructType OUT_KEYS = new StructType().add("o_key", DataTypes.StringType)
            .add("o_reusable", DataTypes.BooleanType);
    private static final StructType REJECT_KEYS = new StructType().add("r_key", DataTypes.StringType)
            .add("r_reason", DataTypes.StringType).add("r_fp", DataTypes.StringType);

    final Dataset<Row> todo;
    final long rowsIn;
    final long unchanged;
    final long toProcess;
    final long fresh;
    final long retried;
    final long replaced;
    final long stale;
    /** Rows to do whose key has a reject now; when none has, this run's rejects are all new keys. */
    final long withReject;
    private final Dataset<Row> all;

    private OutcomePlan(Dataset<Row> all, Dataset<Row> todo, Row counts) {
        this.all = all;
        this.todo = todo;
        this.rowsIn = counts.getLong(0);
        long[] s = new long[7];
        for (int i = 0; i < s.length; i++) {
            s[i] = counts.isNullAt(i + 1) ? 0 : counts.getLong(i + 1);
        }
        this.unchanged = rowsIn - s[0];
        this.toProcess = s[1];
        this.fresh = s[2];
        this.retried = s[3];
        this.replaced = s[4];
        this.stale = s[5];
        this.withReject = s[6];
    }

    /**
     * @param reusable       a predicate over the output's rows: false for rows made from other inputs (other
     *                       weights, an older model), which are redone and counted as stale
     * @param fingerprint    the current {@code <bytes>:<mtime>} of a planned row's input file, or null when the
     *                       stage's inputs are not files; compared only for rows rejected for their content
     */
    static OutcomePlan of(JobContext ctx, String stage, Dataset<Row> planned, Path target, Path rejects,
                          Column reusable, Column fingerprint) {
        Dataset<Row> out = DeltaTables.exists(ctx.spark(), target)
                ? DeltaTables.readPinned(ctx.spark(), target).select(col("clip_id").as("o_key"), reusable.as("o_reusable"))
                : ctx.spark().createDataFrame(List.of(), OUT_KEYS);
        Dataset<Row> rej = DeltaTables.exists(ctx.spark(), rejects)
                ? DeltaTables.readPinned(ctx.spark(), rejects).filter(col(RejectsDataset.STAGE).equalTo(stage))
                .select(col(RejectsDataset.KEY).as("r_key"), col("reason_code").as("r_reason"),
                        col(RejectsDataset.FINGERPRINT).as("r_fp"))
                : ctx.spark().createDataFrame(List.of(), REJECT_KEYS);
        Dataset<Row> p = planned.join(out, planned.col("key").equalTo(out.col("o_key")), "left")
                .join(rej, planned.col("key").equalTo(rej.col("r_key")), "left");

        Object[] retryable = Arrays.stream(RejectReason.values()).filter(RejectReason::retryable)
                .map(RejectReason::code).toArray();
        Column inputUnchanged = fingerprint == null ? lit(true)
                : when(col("r_fp").isNull(), lit(true)).otherwise(coalesce(col("r_fp").equalTo(fingerprint), lit(false)));
        Column rejectStands = col("r_key").isNotNull().and(not(col("r_reason").isin(retryable))).and(inputUnchanged);
        Column outputStands = col("o_key").isNotNull().and(coalesce(col("o_reusable"), lit(false)));
        RerunSelection sel = ctx.rerun();
        Column done;
        if (sel.selects()) {
            done = not(selected(sel));
        } else if (ctx.config().overwrite()) {
            done = lit(false);
        } else {
            done = outputStands.or(sel.retryRejects() ? lit(false) : rejectStands);
        }
        p = p.withColumn("done", done)
                .withColumn(PRIOR, when(col("o_key").isNotNull(), lit(REPLACED))
                        .when(col("r_key").isNotNull(), lit(RETRIED)).otherwise(lit(NEW)))
                .withColumn("had_reject", col("r_key").isNotNull())
                .withColumn("had_output", col("o_key").isNotNull())
                .drop("o_key", "o_reusable", "r_key", "r_reason", "r_fp")
                .persist(StorageLevel.MEMORY_AND_DISK());
        Column todoRow = not(col("done"));
        Row counts = p.agg(count(lit(1)),
                count1(todoRow),
                count1(todoRow.and(col("reason_code").isNull())),
                count1(todoRow.and(col(PRIOR).equalTo(NEW))),
                count1(todoRow.and(col(PRIOR).equalTo(RETRIED))),
                count1(todoRow.and(col(PRIOR).equalTo(REPLACED))),
                count1(todoRow.and(col("had_output")).and(lit(!ctx.config().overwrite() && !sel.selects()))),
                count1(todoRow.and(col("had_reject")))).first();
        return new OutcomePlan(p, p.filter(todoRow).drop("done"), counts);
    }

    /** The rows --only or --where names, as a predicate over the plan. */
    private static Column selected(RerunSelection sel) {
        Column c = lit(false);
        if (!sel.only().isEmpty()) {
            c = c.or(col("key").isin(sel.only().toArray()));
        }
        if (sel.where() != null) {
            c = c.or(coalesce(expr(sel.where()), lit(false)));
        }
        return c;
    }

    private static Column count1(Column c) {
        return sum(when(c, 1L).otherwise(0L));
    }

    void release() {
        all.unpersist();
    }
}
