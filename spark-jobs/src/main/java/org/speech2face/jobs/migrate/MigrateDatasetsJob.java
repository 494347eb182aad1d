package org.speech2face.jobs.migrate;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.speech2face.contracts.DataLayout;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.report.RunReportWriter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code s2f migrate-datasets}: converts a data root of the layout before Delta (plain Parquet folders) into Delta
 * tables, one folder at a time ({@link ParquetToDelta}), keyed datasets partitioned by split, the rejects of every
 * stage into the one {@code rejects/} table with their stage and no input fingerprint. Every folder is judged
 * first ({@link FolderState}); one that is neither a Delta table nor Parquet stops the run before anything changes.
 * A folder that already is a Delta table is skipped, so a second run changes nothing. The report lists each
 * dataset's rows before and after, which are equal or the run fails.
 */
public final class MigrateDatasetsJob implements SparkJob {
    public enum Counts implements Counter {
        /** Parquet folders converted this run (an interrupted conversion finished counts too). */
        CONVERTED,
        /** Folders that already were Delta tables. */
        ALREADY_DELTA,
        /** Folders with no data file (only run reports), or no folder at all: nothing to convert. */
        NOTHING_TO_CONVERT,
        /** Rows in the converted Parquet folders, and in the tables made from them. */
        ROWS_BEFORE, ROWS_AFTER
    }

    @Override
    public String name() {
        return "migrate-datasets";
    }

    @Override
    public String summary() {
        return "convert a data root of plain Parquet folders (before Delta) into Delta tables, keeping backups";
    }

    @Override
    public RunReport run(JobContext ctx) throws Exception {
        SparkSession spark = ctx.spark();
        DataLayout layout = ctx.layout();
        FileSystem fs = ctx.fs(layout.rootPath());
        RunReport report = new RunReport(name(), ctx.runId(), List.of(Counts.values())).dryRun(ctx.dryRun())
                .output(layout.root()).config(ctx.config().rendered());
        spark.sparkContext().setJobGroup(name(), name() + ": " + summary(), false);

        Map<LegacyDataset, FolderState> states = new LinkedHashMap<>();
        for (LegacyDataset d : LegacyDataset.ALL) {
            Path dir = new Path(layout.rootPath(), d.path());
            FolderState s = FolderState.of(spark, fs, dir);
            if (s.kind() == FolderState.Kind.NEITHER) {
                throw new IllegalStateException("migrate-datasets changed nothing: " + d.path() + "/ under "
                        + layout.root() + " is neither a Delta table nor a folder of Parquet files (" + s.about()
                        + "). Move what does not belong there away and run again.");
            }
            states.put(d, s);
        }

        List<List<Object>> rows = new ArrayList<>();
        long converted = 0, already = 0, nothing = 0, before = 0, after = 0;
        for (Map.Entry<LegacyDataset, FolderState> e : states.entrySet()) {
            LegacyDataset d = e.getKey();
            Path dir = new Path(layout.rootPath(), d.path());
            String action;
            Long rowsBefore = null;
            Long rowsAfter = null;
            if (ParquetToDelta.interrupted(spark, fs, dir)) {
                rowsBefore = ParquetToDelta.countParquet(spark, ParquetToDelta.backup(dir));
                if (ctx.dryRun()) {
                    action = "would finish an interrupted conversion (moving " + d.path() + ParquetToDelta.MIGRATING
                            + "/ in)";
                } else {
                    rowsAfter = ParquetToDelta.resume(spark, fs, dir, rowsBefore);
                    action = "finished an interrupted conversion";
                }
                converted++;
            } else {
                switch (e.getValue().kind()) {
                    case DELTA -> {
                        action = "skipped: already a Delta table";
                        already++;
                    }
                    case PARQUET -> {
                        rowsBefore = ParquetToDelta.countParquet(spark, dir);
                        String shape = d.partitions().isEmpty() ? "a Delta table"
                                : "a Delta table partitioned by " + String.join(", ", d.partitions());
                        if (ctx.dryRun()) {
                            action = "would convert to " + shape + ", moving the Parquet files to " + d.path()
                                    + ParquetToDelta.BACKUP + "/";
                        } else {
                            spark.sparkContext().setJobDescription(name() + ": " + d.path());
                            rowsAfter = ParquetToDelta.convert(spark, fs, dir, d, rowsBefore);
                            action = "converted to " + shape + "; Parquet files in " + d.path() + ParquetToDelta.BACKUP
                                    + "/";
                        }
                        converted++;
                    }
                    case NO_DATA -> {
                        action = "skipped: no data files (a stage creates the table when it first writes a row)";
                        nothing++;
                    }
                    default -> {
                        action = "skipped: no such folder";
                        nothing++;
                    }
                }
            }
            if (rowsBefore != null) {
                before += rowsBefore;
                after += rowsAfter == null ? 0 : rowsAfter;
            }
            rows.add(List.of(d.path() + "/", action, rowsBefore == null ? "" : rowsBefore,
                    rowsAfter == null ? "" : rowsAfter));
            report.headline(d.path(), (rowsBefore == null ? "-" : rowsBefore) + " -> "
                    + (rowsAfter == null ? "-" : rowsAfter) + " (" + action.split("[:;,(]")[0].strip() + ")");
        }
        report.count(Counts.CONVERTED, converted).count(Counts.ALREADY_DELTA, already)
                .count(Counts.NOTHING_TO_CONVERT, nothing).count(Counts.ROWS_BEFORE, before)
                .count(Counts.ROWS_AFTER, after)
                .table("Datasets", List.of("dataset", "action", "rows before", "rows after"), rows);
        if (ctx.dryRun()) {
            report.note("Dry run: every folder was judged and counted; nothing was written or moved.");
            return report.finish();
        }
        report.finish();
        RunReportWriter.write(report, new Path(layout.rootPath(), DataLayout.RUN_REPORTS), ctx.hadoopConf());
        return report;
    }
}
