package org.speech2face.jobs.maintenance;

import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.DatasetsSettings;
import org.speech2face.contracts.DataLayout;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.report.RunReportWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code optimize}: upkeep of every Delta table under {@code data.root}. Daily drops append a few small files to each
 * dataset, and a table of many small files is slow to plan and read; this compacts them into files near
 * {@code datasets.target-file-size-mb}, purges deletion vectors, and VACUUMs what no version younger than
 * {@code datasets.vacuum-retention-hours} still uses (see {@link TableUpkeep}). It is meant for a weekly schedule;
 * it changes no row, and checks that. {@code --dry-run} lists the tables, their files, bytes and rows, and what
 * VACUUM would delete now, and writes nothing.
 */
public final class OptimizeJob implements SparkJob {
    /** What optimize counts, summed over the tables. */
    public enum Counts implements Counter {
        TABLES, FILES_BEFORE, FILES_AFTER, BYTES_BEFORE, BYTES_AFTER, ROWS, FILES_VACUUMED, DV_FILES_PURGED
    }

    private static final Logger LOG = LoggerFactory.getLogger(OptimizeJob.class);
    static final List<String> HEADER = List.of("table", "files before", "files after", "bytes before", "bytes after",
            "rows", "files vacuumed", "deletion-vector files purged", "other writers' commits");

    @Override
    public String name() {
        return "optimize";
    }

    @Override
    public String summary() {
        return "compacts, purges deletion vectors of and vacuums every Delta table under data.root";
    }

    @Override
    public RunReport run(JobContext ctx) throws Exception {
        DatasetsSettings d = ctx.config().datasets();
        DataLayout layout = ctx.layout();
        // Made before the upkeep, so its wall time covers it.
        RunReport report = new RunReport(name(), ctx.runId(), List.of(Counts.values())).dryRun(ctx.dryRun())
                .output(layout.rootPath().toString()).config(ctx.config().rendered())
                .figure("target_file_size_mb", d.targetFileSizeMb())
                .figure("vacuum_retention_hours", d.vacuumRetentionHours());
        List<UpkeepResult> results = upkeep(ctx);
        List<List<Object>> rows = new ArrayList<>();
        report.count(Counts.TABLES, results.size());
        for (UpkeepResult r : results) {
            report.add(Counts.FILES_BEFORE, r.filesBefore()).add(Counts.FILES_AFTER, r.filesAfter())
                    .add(Counts.BYTES_BEFORE, r.bytesBefore()).add(Counts.BYTES_AFTER, r.bytesAfter())
                    .add(Counts.ROWS, r.rowsAfter()).add(Counts.FILES_VACUUMED, r.filesVacuumed())
                    .add(Counts.DV_FILES_PURGED, Math.max(0, r.dvFilesPurged()));
            rows.add(List.of(relative(layout, r.table()), r.filesBefore(), r.filesAfter(), r.bytesBefore(),
                    r.bytesAfter(), r.rowsAfter(), r.filesVacuumed(),
                    r.dvFilesPurged() < 0 ? "no deletion vectors" : r.dvFilesPurged(), r.otherCommits()));
            if (r.otherCommits() > 0) {
                report.note(relative(layout, r.table()) + ": " + r.otherCommits() + " commit(s) of another writer "
                        + "landed during upkeep, so its rows after include theirs; each compaction commit was "
                        + "checked against the version before it.");
            }
        }
        report.table("Tables", HEADER, rows);
        if (results.isEmpty()) {
            report.note("There is no Delta table under " + layout.root() + " yet; nothing to do.");
        }
        if (ctx.dryRun()) {
            return report.note("Dry run: would compact each table to files of about " + d.targetFileSizeMb()
                    + " MiB, purge deletion vectors where the table has the feature, then VACUUM files unused for "
                    + d.vacuumRetentionHours() + " hours; 'files vacuumed' is what VACUUM would delete now, before "
                    + "compaction. Nothing was written.").finish();
        }
        report.finish();
        Path md = RunReportWriter.write(report, layout.runReports(DataLayout.MAINTENANCE), ctx.hadoopConf());
        LOG.info("optimize: {} tables, files {} -> {}, {} vacuumed; report {}", results.size(),
                report.count(Counts.FILES_BEFORE), report.count(Counts.FILES_AFTER),
                report.count(Counts.FILES_VACUUMED), md);
        return report;
    }

    /** Runs the upkeep of every table (or, in a dry run, measures them) and returns the figures per table. */
    public List<UpkeepResult> upkeep(JobContext ctx) throws Exception {
        Path root = ctx.layout().rootPath();
        List<Path> tables = TableFolders.under(ctx.fs(root), root);
        ctx.spark().sparkContext().setJobGroup(name(), name() + ": " + summary(), false);
        TableUpkeep upkeep = new TableUpkeep(ctx.spark(), ctx.config().datasets());
        List<UpkeepResult> out = new ArrayList<>();
        for (Path t : tables) {
            UpkeepResult r = upkeep.run(t.toString(), ctx.dryRun());
            LOG.info("optimize: {}", r);
            out.add(r);
        }
        return out;
    }

    private static String relative(DataLayout layout, String table) {
        String root = layout.rootPath().toString();
        return table.startsWith(root + "/") ? table.substring(root.length() + 1) : table;
    }
}
