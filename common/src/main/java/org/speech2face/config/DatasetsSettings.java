package org.speech2face.config;

import java.io.Serializable;

/**
 * The {@code datasets} section: how {@code s2f optimize} keeps the Delta tables under {@code data.root} in shape.
 * Daily drops append many small files; compaction rewrites them into files near {@code targetFileSizeMb}, and VACUUM
 * then deletes the files no version younger than {@code vacuumRetentionHours} still uses. The values are checked
 * once, by their keys in {@link ConfigKeys} (the retention against Delta's safe minimum by a rule there).
 *
 * @param targetFileSizeMb           size compaction aims at, in MiB
 * @param vacuumRetentionHours       age after which a file no longer in the table is deleted
 * @param vacuumAllowShortRetention  whether a retention below {@link #SAFE_RETENTION_HOURS} was asked for knowingly
 * @param writerLease                when a writing command must hold the data root's writer lease
 */
public record DatasetsSettings(int targetFileSizeMb, int vacuumRetentionHours, boolean vacuumAllowShortRetention,
                               WriterLease writerLease) implements Serializable {

    /**
     * Delta's default log store for {@code s3a://} (and {@code s3://}) makes a commit atomic only among the writers of
     * one driver, so two commands writing one S3 data root at once can lose a commit. {@code AUTO} takes the root's
     * writer lease there (unless spark.conf names another log store for the scheme) and nowhere else, since HDFS and
     * local disk commit atomically; {@code ON} takes it everywhere, {@code OFF} nowhere.
     */
    public enum WriterLease { AUTO, ON, OFF }

    /** Delta's default {@code deletedFileRetentionDuration}, below which its own VACUUM check refuses to run. */
    public static final int SAFE_RETENTION_HOURS = 168;

    /** The target size in bytes, as Delta's {@code optimize.maxFileSize} takes it. */
    public long targetFileSizeBytes() {
        return targetFileSizeMb * 1024L * 1024L;
    }

    /** Binds {@code datasets.*}; each value is checked by its key. */
    static DatasetsSettings from(Settings s) {
        return new DatasetsSettings(s.get(ConfigKeys.DATASETS_TARGET_FILE_SIZE_MB),
                s.get(ConfigKeys.DATASETS_VACUUM_RETENTION_HOURS),
                s.get(ConfigKeys.DATASETS_VACUUM_ALLOW_SHORT_RETENTION), s.get(ConfigKeys.DATASETS_WRITER_LEASE));
    }
}
