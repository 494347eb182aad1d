package org.speech2face.jobs.migrate;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.speech2face.jobs.io.DeltaTables;

import java.io.IOException;

/**
 * What a dataset folder under data.root holds, judged before anything is changed: a Delta table, a folder of
 * Parquet files (the old layout: part files, or {@code col=value/} partition folders of them), a folder with no
 * data at all (only {@code _reports/}, which a stage that wrote no row leaves), nothing, or something else, which
 * the migration refuses to touch.
 *
 * @param kind  the verdict
 * @param about for {@link Kind#NEITHER}, what made it so (the path of the first file or folder that does not fit)
 */
record FolderState(Kind kind, String about) {
    enum Kind { ABSENT, DELTA, PARQUET, NO_DATA, NEITHER }

    static FolderState of(SparkSession spark, FileSystem fs, Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return new FolderState(Kind.ABSENT, null);
        }
        if (!fs.getFileStatus(dir).isDirectory()) {
            return new FolderState(Kind.NEITHER, dir + " is a file, not a folder");
        }
        if (fs.exists(new Path(dir, "_delta_log"))) {
            return DeltaTables.exists(spark, dir) ? new FolderState(Kind.DELTA, null)
                    : new FolderState(Kind.NEITHER, dir + "/_delta_log holds no Delta commit");
        }
        String odd = firstNotParquet(fs, dir);
        if (odd != null) {
            return new FolderState(Kind.NEITHER, odd + " is not a Parquet file or a partition folder");
        }
        return hasParquet(fs, dir) ? new FolderState(Kind.PARQUET, null) : new FolderState(Kind.NO_DATA, null);
    }

    /** Names starting with '_' or '.' are Spark's and Hadoop's own (_SUCCESS, _reports, .crc) and are not data. */
    static boolean hidden(Path p) {
        return p.getName().startsWith("_") || p.getName().startsWith(".");
    }

    private static String firstNotParquet(FileSystem fs, Path dir) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            Path p = st.getPath();
            if (hidden(p)) {
                continue;
            }
            if (st.isDirectory()) {
                if (!p.getName().contains("=")) {
                    return p.toString();
                }
                String inner = firstNotParquet(fs, p);
                if (inner != null) {
                    return inner;
                }
            } else if (!p.getName().endsWith(".parquet")) {
                return p.toString();
            }
        }
        return null;
    }

    private static boolean hasParquet(FileSystem fs, Path dir) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            if (hidden(st.getPath())) {
                continue;
            }
            if (st.isFile() || hasParquet(fs, st.getPath())) {
                return true;
            }
        }
        return false;
    }
}
