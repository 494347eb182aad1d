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
}
