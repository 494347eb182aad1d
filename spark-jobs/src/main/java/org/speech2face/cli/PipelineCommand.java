package org.speech2face.cli;

import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.evaluate.EvaluateJob;
import org.speech2face.jobs.generate.GenerateFolderJob;
import org.speech2face.jobs.features.FaceFeaturesJob;
import org.speech2face.jobs.gender.PredictGenderJob;
import org.speech2face.jobs.gender.TrainGenderJob;
import org.speech2face.jobs.ingest.IngestAudioJob;
import org.speech2face.jobs.ingest.IngestFacesJob;
import org.speech2face.jobs.priors.FacePriorJob;
import org.speech2face.jobs.train.TrainDecoderJob;
import org.speech2face.jobs.train.TrainEncoderJob;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** {@code s2f pipeline}: every stage that exists, in order, on one Spark session. */
final class PipelineCommand implements Command {
    /** The stages in pipeline order. */
    static final List<Supplier<SparkJob>> STAGES = List.of(IngestFacesJob::new, IngestAudioJob::new,
            FaceFeaturesJob::new, TrainGenderJob::new, PredictGenderJob::new, FacePriorJob::new, TrainDecoderJob::new,
            TrainEncoderJob::new, EvaluateJob::new, GenerateFolderJob::new);

    @Override
    public String summary() {
        return "run every stage in order on the configured input";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) throws Exception {
        List<SparkJob> jobs = new ArrayList<>();
        STAGES.forEach(s -> jobs.add(s.get()));
        out.println("pipeline: " + jobs.size() + " stages, data root " + config.dataRoot() + ", profile "
                + config.profile().name().toLowerCase());
        return S2f.runJobs(jobs, args, config, out);
    }
}
