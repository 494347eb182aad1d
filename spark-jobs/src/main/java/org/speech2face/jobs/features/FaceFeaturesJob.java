package org.speech2face.jobs.features;

import org.speech2face.jobs.models.VggFaceSource;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.data.RejectException;
import org.speech2face.jobs.JobContext;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.BatchPartition;
import org.speech2face.jobs.stage.BatchProcessor;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.jobs.io.SourceDataset;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.inference.VggFaceFeatures;
import org.speech2face.video.FacePixels;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * {@code face-features}: VGGFace fc7 (before ReLU) and fc8 for every face in faces/, cached in face_features/ so the
 * priors, the decoder and the encoder never run VGGFace over the faces again. Faces are decoded one by one (an
 * undecodable image is a reject) and run through the network in batches; the network is loaded once per executor.
 * Features made with other weights count as stale and are replaced.
 */
public final class FaceFeaturesJob extends KeyedStageJob {
    static final String MODEL_KIND = VggFaceSource.MODEL_KIND;

    @Override
    public String name() {
        return "face-features";
    }

    @Override
    public String summary() {
        return "VGGFace fc7 (before ReLU) and fc8 for every face, batched on executors -> face_features/";
    }

    @Override
    protected String datasetName() {
        return DataLayout.FACE_FEATURES;
    }

    @Override
    protected StructType schema() {
        return FaceFeaturesDataset.SCHEMA;
    }

    @Override
    protected String unit() {
        return "faces";
    }

    @Override
    protected Dataset<Row> plan(JobContext ctx) {
        Dataset<Row> faces = SourceDataset.read(ctx, DataLayout.FACES, FacesDataset.SCHEMA, "ingest-faces")
                .select("clip_id", "youtube_id", "split", "image");
        return SourceDataset.plan(faces, ctx.limit());
    }

    @Override
    protected void preflight(JobContext ctx) {
        if (!ctx.dryRun()) {
            source(ctx); // a missing weights file fails here, before anything is read
        }
    }

    @Override
    protected Dataset<Row> reusableKeys(JobContext ctx, Dataset<Row> existing) {
        return existing.filter(col("vggface_id").equalTo(weightsId(ctx)));
    }

    @Override
    protected void describe(JobContext ctx, RunReport report) {
        report.headline("vggface_id", weightsId(ctx)).figure("batch_size", ctx.config().features().batchSize());
        try {
            VggFaceSource source = source(ctx);
            if (source.isRandom()) {
                report.note("VGGFace weights are " + source.featureId() + ": a randomly initialised network, not the "
                        + "trained VGGFace; its features carry no identity. Set vggface.weights to the zoo file for "
                        + "real features.");
            }
        } catch (IllegalArgumentException e) { // only reached in a dry run; a real run stopped in preflight
            report.note("A real run would stop here: " + e.getMessage());
        }
    }

    /** The configured weights' id; in a dry run with unusable weights, a placeholder that matches no row. */
    private static String weightsId(JobContext ctx) {
        try {
            return source(ctx).featureId();
        } catch (IllegalArgumentException e) {
            if (ctx.dryRun()) {
                return "unavailable";
            }
            throw e;
        }
    }

    @Override
    protected void process(JobContext ctx, Dataset<Row> candidates, long count, Path data, Path taskRejects,
                           LongAccumulator written, LongAccumulator rejected) {
        S2fConfig cfg = ctx.config();
        BatchPartition<float[]> fn = new BatchPartition<>(name(), new Extractor(source(ctx)),
                cfg.features().batchSize(), new HadoopConf(ctx.hadoopConf()), taskRejects.toString(), ctx.runId(),
                written, rejected);
        candidates.repartition(partitions(ctx, cfg.features().partitions(), count))
                .mapPartitions(fn, Encoders.row(FaceFeaturesDataset.SCHEMA))
                .write().parquet(data.toString());
    }

    /** The configured weights, loaded in the driver's JVM on first use (see VggFaceSource). */
    static VggFaceSource source(JobContext ctx) {
        return VggFaceSource.resolve(ctx.config().features().vggfaceWeights(),
                ModelProfile.parse(ctx.config().profile().name()), ctx.hadoopConf());
    }

    /** Decodes a face PNG to the network's input; runs batches through the executor's VGGFace. */
    private record Extractor(VggFaceSource source) implements BatchProcessor.Factory<float[]> {
        @Override
        public BatchProcessor<float[]> create() {
            VggFaceFeatures vgg = source.features();
            String id = source.featureId();
            return new BatchProcessor<>() {
                @Override
                public float[] prepare(Row planned) throws RejectException {
                    return FacePixels.rgbChannelsFirst(planned.getAs("image"), vgg.faceSide());
                }

                @Override
                public List<Row> process(List<Row> planned, List<float[]> prepared) {
                    VggFaceFeatures.Batch b = vgg.extract(prepared.toArray(new float[0][]));
                    List<Row> out = new ArrayList<>(planned.size());
                    for (int i = 0; i < planned.size(); i++) {
                        Row r = planned.get(i);
                        out.add(FaceFeaturesDataset.toRow(r.getAs("clip_id"), r.getAs("youtube_id"), r.getAs("split"),
                                b.fc7()[i], b.fc8()[i], id));
                    }
                    return out;
                }
            };
        }
    }
}
