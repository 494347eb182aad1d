package org.speech2face.jobs.migrate;

import org.speech2face.jobs.StageRefusal;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.speech2face.jobs.io.DeltaTables;

import java.io.IOException;

/**
 * Turns one Parquet folder into a Delta table at the same path. The table is written beside it
 * ({@code <name>.migrating/}) and counted; only when it holds as many rows as the folder is the folder moved aside
 * ({@code <name>.parquet-backup/}) and the table moved in, its run reports ({@code _reports/}) with it. A run that
 * stops before the first move leaves the folder as it was (the next run deletes the half-written table and starts
 * again); one that stops between the two moves is finished by the next run ({@link #resume}).
 */
final class ParquetToDelta {
    static final String MIGRATING = ".migrating";
    static final String BACKUP = ".parquet-backup";

    private ParquetToDelta() {
    }

    static Path migrating(Path dir) {
        return new Path(dir.getParent(), dir.getName() + MIGRATING);
    }

    static Path backup(Path dir) {
        return new Path(dir.getParent(), dir.getName() + BACKUP);
    }

    /** The rows of a Parquet folder (partition folders become columns, as {@code stage} of the old rejects). */
    static long countParquet(SparkSession spark, Path dir) {
        return spark.read().parquet(dir.toString()).count();
    }

    /** Converts {@code dir}; returns the rows of the new table, which equal the folder's. */
    static long convert(SparkSession spark, FileSystem fs, Path dir, LegacyDataset d, long before) throws IOException {
        Path tmp = migrating(dir);
        Path backup = backup(dir);
        if (fs.exists(backup)) {
            throw new StageRefusal(backup + " already exists beside the Parquet folder " + dir
                    + "; nothing of " + d.path() + "/ was changed. Move the old backup away and run "
                    + "migrate-datasets again.");
        }
        fs.delete(tmp, true); // a half-written table of a run that stopped before moving anything
        Dataset<Row> old = spark.read().parquet(dir.toString());
        Dataset<Row> rows = d.toContract(old);
        if (d.merged()) {
            DeltaTables.createIfMissing(spark, tmp, d.schema() != null ? d.schema() : old.schema(), d.partitions());
            rows.write().format("delta").mode("append").save(tmp.toString());
        } else {
            DeltaTables.replace(spark, rows, tmp);
        }
        long after = DeltaTables.read(spark, tmp).count();
        if (after != before) {
            fs.delete(tmp, true);
            throw new IllegalStateException("The Delta table written from " + dir + " has " + after
                    + " rows, but the Parquet folder has " + before + "; the folder was left as it was and the "
                    + "table deleted. Check that nothing else writes to " + d.path() + "/ and run again.");
        }
        swap(fs, dir, tmp, backup);
        return after;
    }

    /**
     * Whether an earlier run stopped between its two moves: the folder already moved aside, the counted table
     * not yet moved in.
     */
    static boolean interrupted(SparkSession spark, FileSystem fs, Path dir) throws IOException {
        return !fs.exists(dir) && fs.exists(backup(dir)) && DeltaTables.exists(spark, migrating(dir));
    }

    /** Finishes an {@link #interrupted} migration, after counting again; returns the table's rows. */
    static long resume(SparkSession spark, FileSystem fs, Path dir, long before) throws IOException {
        Path tmp = migrating(dir);
        long after = DeltaTables.read(spark, tmp).count();
        if (after != before) {
            throw new StageRefusal("An earlier migration of " + dir + " stopped half way, and its table "
                    + tmp + " has " + after + " rows where the Parquet backup " + backup(dir) + " has " + before
                    + "; delete " + tmp + ", move the backup back to " + dir + " and run again.");
        }
        rename(fs, tmp, dir);
        moveReports(fs, backup(dir), dir);
        return after;
    }

    private static void swap(FileSystem fs, Path dir, Path tmp, Path backup) throws IOException {
        rename(fs, dir, backup);
        rename(fs, tmp, dir);
        moveReports(fs, backup, dir);
    }

    /** The run reports stay with the dataset, not with its Parquet backup. */
    private static void moveReports(FileSystem fs, Path from, Path to) throws IOException {
        Path reports = new Path(from, "_reports");
        if (fs.exists(reports) && !fs.exists(new Path(to, "_reports"))) {
            rename(fs, reports, new Path(to, "_reports"));
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("Could not move " + from + " to " + to + ".");
        }
    }
}
