package org.speech2face.cli;

import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.ingest.IngestAudioJob;
import org.speech2face.jobs.ingest.IngestFacesJob;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code s2f preprocess}: both ingest stages on one Spark session, for scheduled runs over a folder of CSV drops.
 * Unlike {@code pipeline} it trains nothing: each run only decodes the clips of rows not yet written or rejected.
 */
final class PreprocessCommand implements Command {
    @Override
    public String summary() {
        return "ingest-faces then ingest-audio on one session (scheduled runs over new CSV drops)";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) throws Exception {
        List<SparkJob> jobs = List.of(new IngestFacesJob(), new IngestAudioJob());
        return S2f.runJobs(jobs, args, config, out);
    }
}
