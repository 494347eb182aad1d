package org.speech2face.jobs.generate;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.speech2face.data.VideoLocator;
import org.speech2face.audio.VoiceClip;
import org.speech2face.config.EvaluateSettings;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.BatchPartition;
import org.speech2face.jobs.stage.BatchProcessor;
import org.speech2face.jobs.stage.KeyedStageJob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.apache.spark.sql.functions.col;

/**
 * {@code generate} over a folder, on Spark: a face for every voice file (audio or video) in it, written as
 * {@code <output>/<name without extension>.png}; a file that is too short, silent, unreadable or without audio is
 * rejected with its reason ({@code rejects/stage=generate/}) and the others go on. The pipeline's last stage runs it
 * on the configured folder ({@code evaluate.generate.input}, the sample's videos by default). A re-run skips
 * voices already drawn into the same folder by the same checkpoints.
 */
public final class GenerateFolderJob extends KeyedStageJob {
    private static final StructType PLAN = new StructType()
            .add("key", DataTypes.StringType, false).add("youtube_id", DataTypes.StringType, true)
            .add("line", DataTypes.LongType, true).add("raw", DataTypes.StringType, true)
            .add("reason_code", DataTypes.StringType, true).add("message", DataTypes.StringType, true)
            .add("input_name", DataTypes.StringType, false).add("output", DataTypes.StringType, false);

    private final String input;
    private final String output;
    private final String variant;
    private VoiceToFace recipe;
    /** What the plan found in the folder, for the report. */
    private VoiceFolder listed;

    /** The pipeline's stage: the folders and variant of {@code evaluate.generate}. */
    public GenerateFolderJob() {
        this(null, null, null);
    }

    /** {@code generate --input <folder> --output <folder> [--variant id]}; nulls take the configured values. */
    public GenerateFolderJob(String input, String output, String variant) {
        this.input = input;
        this.output = output;
        this.variant = variant;
    }

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "a face PNG from each voice (wav, mp3, m4a, video) in a folder, with the trained SE and FD";
    }

    @Override
    protected String datasetName() {
        return GeneratedDataset.NAME;
    }

    @Override
    protected StructType schema() {
        return GeneratedDataset.SCHEMA;
    }

    @Override
    protected String unit() {
        return "voices";
    }

    private EvaluateSettings.Generate settings(JobContext ctx) {
        return ctx.config().evaluate().generate();
    }

    private Path inputDir(JobContext ctx) {
        return new Path(input != null ? input : settings(ctx).input());
    }

    private Path outputDir(JobContext ctx) {
        return new Path(output != null ? output : settings(ctx).output());
    }

    @Override
    protected void preflight(JobContext ctx) throws Exception {
        try {
            recipe = VoiceToFace.prepare(ctx.config(), variant != null ? variant : settings(ctx).variant(),
                    ctx.hadoopConf());
        } catch (IllegalStateException e) {
            if (!ctx.dryRun()) {
                throw e;
            }
        }
        Path in = inputDir(ctx);
        if (!ctx.fs(in).isDirectory(in)) {
            throw new IllegalArgumentException("The voices folder " + in + " does not exist or is not a folder.");
        }
    }

    @Override
    protected Dataset<Row> plan(JobContext ctx) {
        Path in = inputDir(ctx);
        Path out = outputDir(ctx);
        List<Row> rows = new ArrayList<>();
        try {
            listed = VoiceFolder.list(in, ctx.fs(in));
            Set<String> faces = new HashSet<>();
            for (VoiceFolder.Voice v : listed.voices()) {
                String name = v.name();
                String face = (name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name) + ".png";
                String code = null;
                String message = null;
                if (v.refused() != null) {
                    code = v.refused().reason().code();
                    message = v.refused().getMessage();
                } else if (!faces.add(face)) {
                    code = RejectReason.DUPLICATE_ROW.code();
                    message = "The voice " + name + " would write " + face + ", the face of another file in " + in
                            + "; rename one of them.";
                }
                rows.add(RowFactory.create(v.uri(), null, null, v.uri(), code, message, name,
                        new Path(out, face).toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the voices folder " + in + ".", e);
        }
        return ctx.spark().createDataFrame(rows, PLAN);
    }

    @Override
    protected Column reusable(JobContext ctx) {
        String model = recipe == null ? "unavailable" : recipe.modelId();
        return col("model_id").equalTo(model).and(col("output_dir").equalTo(outputDir(ctx).toString()));
    }

    @Override
    protected void describe(JobContext ctx, RunReport report) {
        report.figure("input", inputDir(ctx).toString()).figure("output", outputDir(ctx).toString());
        if (listed != null) {
            report.figure("subfolders_not_read", listed.subfolders().size())
                    .figure("hidden_not_read", listed.hidden().size());
            if (!listed.subfolders().isEmpty()) {
                report.note("Not read: " + listed.subfolders().size() + " subfolder(s) of " + inputDir(ctx) + " ("
                        + String.join(", ", listed.subfolders()) + "); generate draws the files of the folder "
                        + "itself. Run it on a subfolder to draw its voices.");
            }
            if (!listed.hidden().isEmpty()) {
                report.note("Not read: " + listed.hidden().size() + " hidden name(s) starting with '.' or '_' ("
                        + String.join(", ", listed.hidden()) + ").");
            }
        }
        if (recipe == null) {
            report.note("A real run would stop here: there are no usable trained networks (see train-decoder and "
                    + "train-encoder).");
            return;
        }
        report.headline("variant", recipe.variant()).figure("model_id", recipe.modelId());
    }

    @Override
    protected void process(JobContext ctx, Dataset<Row> candidates, long count, Path data, Path taskRejects,
                           LongAccumulator written, LongAccumulator rejected) {
        int batch = ctx.config().evaluate().batchSize();
        BatchPartition<VoiceClip> fn = new BatchPartition<>(name(), new Drawer(recipe, outputDir(ctx).toString(),
                ctx.config().ingest().localTmp(), ctx.runId()), batch, new HadoopConf(ctx.hadoopConf()),
                taskRejects.toString(), ctx.runId(), written, rejected);
        candidates.repartition(partitions(ctx, 0, (count + batch - 1) / batch))
                .mapPartitions(fn, Encoders.row(GeneratedDataset.SCHEMA)).write().options(STAGING).parquet(data.toString());
    }

    /** Decodes one voice (a copy on local disk if remote); draws a batch and writes each face. */
    private record Drawer(VoiceToFace recipe, String outputDir, String localTmp, String runId)
            implements BatchProcessor.Factory<VoiceClip> {
        @Override
        public BatchProcessor<VoiceClip> create() {
            return new BatchProcessor<>() {
                @Override
                public VoiceClip prepare(Row planned) throws RejectException {
                    Path source = new Path(planned.<String>getAs("key"));
                    try (VideoLocator.LocalVideo local = VideoLocator.local(source, recipe.conf().get(), localTmp, "s2f-voice-")) {
                        return recipe.read(local.file());
                    } catch (IOException e) {
                        throw new RejectException(RejectReason.CORRUPT_FILE, "The voice " + source + " could not be "
                                + "read: " + e.getMessage(), e);
                    }
                }

                @Override
                public List<Row> process(List<Row> planned, List<VoiceClip> clips) {
                    List<VoiceToFace.Face> faces = recipe.draw(clips);
                    List<Row> out = new ArrayList<>(planned.size());
                    for (int i = 0; i < planned.size(); i++) {
                        Row r = planned.get(i);
                        Path png = new Path(r.<String>getAs("output"));
                        try {
                            FaceFiles.write(png, faces.get(i).png(), recipe.conf().get());
                        } catch (IOException e) {
                            throw new UncheckedIOException("Could not write the face " + png + ".", e);
                        }
                        out.add(RowFactory.create(r.getAs("key"), r.getAs("input_name"), png.toString(), outputDir,
                                recipe.variant(), recipe.modelId(), clips.get(i).seconds(), clips.get(i).rmsDbfs(),
                                faces.get(i).predictedGender(), runId));
                    }
                    return out;
                }
            };
        }
    }
}
