package org.speech2face.jobs;

import org.speech2face.jobs.report.RunReport;

/** One stage of the pipeline, run on the session and config in a {@link JobContext}. */
public interface SparkJob {
    /** The command-line name, e.g. {@code ingest-faces}. */
    String name();

    /** One line for {@code s2f --help}. */
    String summary();

    /** Runs the stage; a failure of the whole stage throws, a bad record becomes a reject in the report. */
    RunReport run(JobContext ctx) throws Exception;

    /**
     * Whether the stage commits to the Delta tables under {@code data.root}, and so holds the root's writer lease
     * where one applies ({@link org.speech2face.jobs.io.DataRootLease}). Training and export write models and files,
     * not tables, so a long training run does not keep the daily ingest off the root.
     */
    default boolean writesTables() {
        return true;
    }
}
