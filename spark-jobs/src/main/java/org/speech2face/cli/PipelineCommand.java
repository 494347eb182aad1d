package org.speech2face.cli;

import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.evaluate.EvaluateJob;
import org.speech2face.jobs.export.ExportJob;
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
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code s2f pipeline}: every stage that exists, in order, on one Spark session. It ends with {@code export}, so that
 * one command (one application on a cluster) leaves everything the notebooks read; a separate application for those
 * sixteen files used to cost a cluster run a minute of JVM and executor start-up. {@code --stages A,B} runs only
 * the named stages, still in pipeline order and on one session: on a cluster, one application instead of one per
 * stage, each of which would start its driver and executors and warm them up again.
 */
final class PipelineCommand implements Command {
    /** The stages in pipeline order. */
    static final List<Supplier<SparkJob>> STAGES = List.of(IngestFacesJob::new, IngestAudioJob::new,
            FaceFeaturesJob::new, TrainGenderJob::new, PredictGenderJob::new, FacePriorJob::new, TrainDecoderJob::new,
            TrainEncoderJob::new, EvaluateJob::new, GenerateFolderJob::new, ExportJob::new);

    @Override
    public String summary() {
        return "run every stage in order on the configured input (--stages A,B: only those)";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) throws Exception {
        List<SparkJob> jobs = select(args.options().get("stages"));
        out.println("pipeline: " + jobs.size() + " stages, data root " + config.dataRoot() + ", profile "
                + config.profile().name().toLowerCase());
        return S2f.runJobs(jobs, args, config, out);
    }

    /**
     * The stages {@code --stages} names (comma-separated), in pipeline order; every stage when it is absent. An
     * unknown or missing name is a usage error that lists the pipeline's stages.
     */
    static List<SparkJob> select(String stages) {
        List<SparkJob> all = new ArrayList<>();
        STAGES.forEach(s -> all.add(s.get()));
        if (stages == null) {
            return all;
        }
        List<String> names = all.stream().map(SparkJob::name).toList();
        Set<String> wanted = new LinkedHashSet<>();
        for (String n : Arrays.stream(stages.split(",", -1)).map(String::trim).toList()) {
            if (!names.contains(n)) {
                throw new CliArgs.UsageError((n.isEmpty() ? "--stages '" + stages + "' has an empty name"
                        : "--stages names '" + n + "', which is not a pipeline stage") + "; the stages are "
                        + String.join(", ", names) + ".");
            }
            wanted.add(n);
        }
        return all.stream().filter(j -> wanted.contains(j.name())).toList();
    }
}
