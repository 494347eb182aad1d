package org.speech2face.jobs.maintenance;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.speech2face.config.DatasetsSettings;

import java.util.List;
import java.util.Set;

import static org.apache.spark.sql.functions.col;

/**
 * The upkeep of one path-based Delta table, in the order that frees the most: compaction of small files into files
 * near the target size, a purge of deletion vectors (rows deleted by a marker file stay on disk until the data file
 * is rewritten), then VACUUM of the files no version within the retention uses any more. Compaction and the purge
 * rewrite files without changing data, so each of their commits must hold as many rows as the version before it;
 * a difference stops the run, naming the table and the versions. Another writer's commits in between (an hourly
 * ingest) are allowed: they are counted, not compared.
 */
final class TableUpkeep {
    /** What Delta records as the operation of a compaction and of a purge. */
    static final Set<String> OWN_OPERATIONS = Set.of("OPTIMIZE", "REORG");
    static final String DELETION_VECTORS = "deletionVectors";

    private final SparkSession spark;
    private final DatasetsSettings settings;

    TableUpkeep(SparkSession spark, DatasetsSettings settings) {
        this.spark = spark;
        this.settings = settings;
    }

    /** Runs the upkeep, or with {@code dryRun} only measures the table and what VACUUM would delete now. */
    UpkeepResult run(String path, boolean dryRun) {
        DeltaTable table = DeltaTable.forPath(spark, path);
        Row before = table.detail().first();
        long v0 = latestVersion(table);
        long rowsBefore = rows(path, v0);
        boolean canHaveDvs = features(before).contains(DELETION_VECTORS);
        long files = before.getAs("numFiles");
        long bytes = before.getAs("sizeInBytes");
        if (dryRun) {
            return new UpkeepResult(path, files, files, bytes, bytes, rowsBefore, rowsBefore, vacuum(path, true),
                    canHaveDvs ? 0 : -1, 0);
        }
        try (SessionSettings s = new SessionSettings(spark)) {
            s.set(SessionSettings.MAX_FILE_SIZE, Long.toString(settings.targetFileSizeBytes()));
            spark.sparkContext().setJobDescription("optimize: compact " + path);
            table.optimize().executeCompaction();
        }
        long purged = -1;
        if (canHaveDvs) {
            spark.sparkContext().setJobDescription("optimize: purge deletion vectors of " + path);
            Row m = spark.sql("REORG TABLE " + sqlPath(path) + " APPLY (PURGE)").select(col("metrics.numFilesRemoved"))
                    .first();
            purged = m.isNullAt(0) ? 0 : m.getLong(0);
        }
        RowCheck check = checkRows(table, path, v0, rowsBefore);
        Row after = DeltaTable.forPath(spark, path).detail().first();
        long vacuumed = vacuum(path, false);
        return new UpkeepResult(path, files, after.getAs("numFiles"), bytes, after.getAs("sizeInBytes"), rowsBefore,
                check.rowsAfter(), vacuumed, purged, check.otherCommits());
    }

    /**
     * The rows after upkeep, checked: with no other writer since {@code v0} the newest version must hold the rows of
     * {@code v0}; otherwise each compaction or purge commit must hold the rows of the version before it.
     */
    private RowCheck checkRows(DeltaTable table, String path, long v0, long rowsBefore) {
        List<Row> commits = table.history().filter(col("version").gt(v0)).select("version", "operation")
                .orderBy("version").collectAsList();
        long latest = commits.isEmpty() ? v0 : commits.get(commits.size() - 1).getLong(0);
        long rowsAfter = latest == v0 ? rowsBefore : rows(path, latest);
        int others = (int) commits.stream().filter(c -> !OWN_OPERATIONS.contains(c.getString(1))).count();
        if (others == 0) {
            requireSame(path, v0, rowsBefore, latest, rowsAfter, "compaction");
            return new RowCheck(rowsAfter, 0);
        }
        for (Row c : commits) {
            long v = c.getLong(0);
            if (OWN_OPERATIONS.contains(c.getString(1))) {
                requireSame(path, v - 1, rows(path, v - 1), v, rows(path, v), c.getString(1));
            }
        }
        return new RowCheck(rowsAfter, others);
    }

    /** The rows after upkeep and the commits of other writers in between. */
    private record RowCheck(long rowsAfter, int otherCommits) {
    }

    private static void requireSame(String path, long v1, long rows1, long v2, long rows2, String what) {
        if (rows1 != rows2) {
            throw new IllegalStateException("Delta table " + path + " held " + rows1 + " rows at version " + v1
                    + " and " + rows2 + " at version " + v2 + " after " + what + "; rewriting files must not change the "
                    + "rows, so upkeep stopped before VACUUM (the older files are still there: RESTORE TABLE delta.`"
                    + path + "` TO VERSION AS OF " + v1 + " brings them back).");
        }
    }

    /**
     * Counts the files VACUUM deletes with the configured retention (Delta's DRY RUN lists them), then, unless
     * {@code listOnly}, deletes them.
     */
    private long vacuum(String path, boolean listOnly) {
        try (SessionSettings s = new SessionSettings(spark)) {
            if (settings.vacuumRetentionHours() < DatasetsSettings.SAFE_RETENTION_HOURS) {
                // Allowed by datasets.vacuum-allow-short-retention: the config refuses it otherwise.
                s.set(SessionSettings.RETENTION_CHECK, "false");
            }
            // One listing task per core of the cluster, instead of Spark's 10000 whatever the table.
            s.set(SessionSettings.LISTING_PARALLELISM, Integer.toString(spark.sparkContext().defaultParallelism()));
            String vacuum = "VACUUM " + sqlPath(path) + " RETAIN " + settings.vacuumRetentionHours() + " HOURS";
            spark.sparkContext().setJobDescription("optimize: list what VACUUM deletes in " + path);
            long n = spark.sql(vacuum + " DRY RUN").count();
            if (!listOnly) {
                spark.sparkContext().setJobDescription("optimize: vacuum " + path);
                spark.sql(vacuum).collect();
            }
            return n;
        }
    }

    private long rows(String path, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(path).count();
    }

    private static long latestVersion(DeltaTable table) {
        return table.history(1).select("version").first().getLong(0);
    }

    private static List<String> features(Row detail) {
        int i = detail.fieldIndex("tableFeatures");
        return detail.isNullAt(i) ? List.of() : detail.getList(i);
    }

    /** {@code delta.`path`}, with a backtick in the path doubled as Spark SQL quotes it. */
    static String sqlPath(String path) {
        return "delta.`" + path.replace("`", "``") + "`";
    }
}
