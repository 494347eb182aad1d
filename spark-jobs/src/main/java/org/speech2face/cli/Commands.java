package org.speech2face.cli;

import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.export.ExportJob;
import org.speech2face.jobs.maintenance.OptimizeJob;
import org.speech2face.jobs.migrate.MigrateDatasetsJob;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The registry of s2f commands, in pipeline order. */
final class Commands {
    private static final Map<String, Command> ALL = new LinkedHashMap<>();

    static {
        register("pipeline", new PipelineCommand());
        for (Supplier<SparkJob> s : PipelineCommand.STAGES) {
            SparkJob job = s.get();
            register(job.name(), sparkJob(s, job.summary()));
        }
        register("generate", new GenerateCommand()); // replaces the pipeline stage's command: a file or a folder
        register("preprocess", new PreprocessCommand());
        register("export", sparkJob(ExportJob::new, new ExportJob().summary()));
        register("optimize", sparkJob(OptimizeJob::new, new OptimizeJob().summary()));
        register("migrate-datasets", sparkJob(MigrateDatasetsJob::new, new MigrateDatasetsJob().summary()));
        register("show-config", new ShowConfigCommand());
        register("describe-models", new DescribeModelsCommand());
        register("bench", new BenchCommand());
        register("models", new ModelsCommand());
        register("face-attributes", new FaceAttributesCommand());
    }

    private Commands() {
    }

    static void register(String name, Command c) {
        ALL.put(name, c);
    }

    static Command find(String name) {
        return ALL.get(name);
    }

    static List<String> names() {
        return new ArrayList<>(ALL.keySet());
    }

    private static Command sparkJob(Supplier<SparkJob> job, String summary) {
        return new Command() {
            @Override
            public String summary() {
                return summary;
            }

            @Override
            public int run(CliArgs args, org.speech2face.config.S2fConfig config, java.io.PrintStream out)
                    throws Exception {
                return S2f.runJobs(List.of(job.get()), args, config, out);
            }
        };
    }
}
