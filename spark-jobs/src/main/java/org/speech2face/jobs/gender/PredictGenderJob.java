package org.speech2face.jobs.gender;

import org.speech2face.model.io.GenderModelStore;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.TensorColumn;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;
import org.speech2face.jobs.JobContext;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.BatchPartition;
import org.speech2face.jobs.io.TensorRow;
import org.speech2face.jobs.stage.BatchProcessor;
import org.speech2face.jobs.models.ExecutorModels;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.jobs.io.GenderPredictions;
import org.speech2face.jobs.io.SourceDataset;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.SpectrogramInput;
import org.speech2face.model.networks.VoiceGenderClassifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * {@code predict-gender}: the trained classifier's P(male) for every spectrogram, in batches on executors, each
 * executor loading the model from models/gender/ once. Rows predicted by an older model are stale and replaced.
 */
public final class PredictGenderJob extends KeyedStageJob {
    static final String MODEL_KIND = "gender";
    private static final String NO_MODEL = "none";

    @Override
    public String name() {
        return "predict-gender";
    }

    @Override
    public String summary() {
        return "P(male) for every spectrogram with the trained gender CNN, batched on executors -> gender/";
    }

    @Override
    protected String datasetName() {
        return DataLayout.GENDER;
    }

    @Override
    protected StructType schema() {
        return GenderDataset.SCHEMA;
    }

    @Override
    protected String unit() {
        return "spectrograms";
    }

    @Override
    protected void preflight(JobContext ctx) {
        if (!ctx.dryRun() && NO_MODEL.equals(modelId(ctx))) {
            throw new IllegalStateException("There is no gender model under " + ctx.layout().genderModel()
                    + "; run train-gender first.");
        }
    }

    @Override
    protected Dataset<Row> plan(JobContext ctx) {
        Dataset<Row> specs = SourceDataset.read(ctx, DataLayout.SPECTROGRAMS, SpectrogramsDataset.SCHEMA,
                "ingest-audio").select("clip_id", "youtube_id", "split", "frames", "bins", "spec");
        return SourceDataset.plan(specs, ctx.limit());
    }

    @Override
    protected Column reusable(JobContext ctx) {
        return col("gender_model_id").equalTo(modelId(ctx));
    }

    @Override
    protected void describe(JobContext ctx, RunReport report) {
        report.figure("gender_model_id", modelId(ctx));
    }

    @Override
    protected void process(JobContext ctx, Dataset<Row> candidates, long count, Path data, Path taskRejects,
                           LongAccumulator written, LongAccumulator rejected) {
        Predictor predictor = new Predictor(ctx.layout().genderModel().toString(), modelId(ctx),
                new HadoopConf(ctx.hadoopConf()));
        BatchPartition<float[]> fn = new BatchPartition<>(name(), predictor, ctx.config().features().batchSize(),
                new HadoopConf(ctx.hadoopConf()), taskRejects.toString(), ctx.runId(), written, rejected);
        TensorRow.mapPartitions(candidates.repartition(partitions(ctx, ctx.config().features().partitions(), count)),
                        fn, GenderDataset.SCHEMA)
                .write().options(STAGING).parquet(data.toString());
    }

    private static String modelId(JobContext ctx) {
        return GenderPredictions.modelId(ctx).orElse(NO_MODEL);
    }

    /** Decodes and transposes a spectrogram; runs batches through the executor's classifier. */
    private record Predictor(String modelDir, String modelId, HadoopConf conf)
            implements BatchProcessor.Factory<float[]> {
        @Override
        public BatchProcessor<float[]> create() {
            MultiLayerNetwork net = ExecutorModels.get(MODEL_KIND, modelId, () -> {
                try {
                    return GenderModelStore.load(new Path(modelDir), conf.get(), modelId);
                } catch (IOException e) {
                    throw new UncheckedIOException("Could not load the gender model from " + modelDir + ".", e);
                }
            });
            return new BatchProcessor<>() {
                @Override
                public float[] prepare(Row r) throws RejectException {
                    int frames = r.getAs("frames");
                    int bins = r.getAs("bins");
                    if (frames != ModelProfile.SPECTROGRAM_FRAMES || bins != ModelProfile.SPECTROGRAM_BINS) {
                        throw new RejectException(RejectReason.MALFORMED_ROW, "Spectrogram " + r.getAs("clip_id")
                                + " has " + frames + " frames x " + bins + " bins; the gender classifier reads "
                                + ModelProfile.SPECTROGRAM_FRAMES + " x " + ModelProfile.SPECTROGRAM_BINS + ".");
                    }
                    float[] spec;
                    try {
                        spec = TensorColumn.read(r, "spec", frames, bins, SpectrogramInput.CHANNELS);
                    } catch (IllegalArgumentException e) {
                        throw new RejectException(RejectReason.MALFORMED_ROW, "Spectrogram " + r.getAs("clip_id")
                                + " cannot be read: " + e.getMessage(), e);
                    }
                    return SpectrogramInput.channelsFirst(spec, frames, bins);
                }

                @Override
                public List<Row> process(List<Row> planned, List<float[]> prepared) {
                    float[] p = VoiceGenderClassifier.pMale(net, prepared.toArray(new float[0][]));
                    List<Row> out = new ArrayList<>(planned.size());
                    for (int i = 0; i < planned.size(); i++) {
                        Row r = planned.get(i);
                        out.add(GenderDataset.toRow(r.getAs("clip_id"), r.getAs("youtube_id"), r.getAs("split"),
                                p[i], modelId));
                    }
                    return out;
                }
            };
        }
    }
}
