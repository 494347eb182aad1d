package org.speech2face.cli;

import org.speech2face.config.S2fConfig;

import java.io.PrintStream;

/** A top-level s2f command: a Spark job, the pipeline, or a tool such as {@code bench}. */
public interface Command {
    String summary();

    /** @return the process exit code */
    int run(CliArgs args, S2fConfig config, PrintStream out) throws Exception;
}
