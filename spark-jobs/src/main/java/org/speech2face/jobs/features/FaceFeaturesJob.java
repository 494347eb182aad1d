package org.speech2face.jobs.features;

import org.speech2face.jobs.models.ConfiguredFeatures;
import org.speech2face.jobs.models.ExecutorModels;
import org.speech2face.jobs.models.FaceApiFiles;
import org.speech2face.jobs.models.FaceApiUser;
import org.speech2face.jobs.models.VggFaceSource;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.contracts.DataLayout;
import org.speech2face.data.RejectException;
import org.speech2face.jobs.JobContext;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.jobs.io.ContractColumns;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.BatchPartition;
import org.speech2face.jobs.stage.BatchProcessor;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.jobs.io.SourceDataset;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.inference.DescriptorFeatures;
import org.speech2face.model.inference.VggFaceFeatures;
import org.speech2face.video.FacePixels;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * {@code face-features}: Ff for every face in faces/, cached in face_features/ so the priors, the decoder and the
 * encoder never run the face network over the faces again: VGGFace fc7 (before ReLU) and fc8, or with
 * {@code features.network = dlib-resnet128} dlib's 128-D descriptor of the face at the model profile's side (no fc8:
 * an empty vector). Faces are decoded one by one (an undecodable image is a reject) and run through the network in
 * batches; the network is loaded once per executor. Features made with another network or other weights count as
 * stale and are replaced.
 */
public final class FaceFeaturesJob extends KeyedStageJob implements FaceApiUser {
    static final String MODEL_KIND = VggFaceSource.MODEL_KIND;
    static final String DLIB_KIND = "dlib-features";

    /** The descriptor's files as shipped by {@link #preflight}; null with VGGFace. */
    private FaceApiFiles dlib;

    @Override
    public String name() {
        return "face-features";
    }

    @Override
    public String summary() {
        return "Ff of every face (VGGFace fc7 and fc8, or the dlib descriptor), batched on executors -> face_features/";
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
    public Optional<String> faceApiUse(S2fConfig config) {
        return config.features().network() == FeatureNetwork.DLIB_RESNET128
                ? Optional.of(name() + " (features.network = dlib-resnet128)") : Optional.empty();
    }

    @Override
    protected void preflight(JobContext ctx) {
        dlib = null;
        if (!ctx.dryRun()) {
            Optional<String> use = faceApiUse(ctx.config());
            if (use.isPresent()) {
                dlib = FaceApiFiles.ship(ctx, use.get());
            } else {
                source(ctx); // a missing weights file fails here, before anything is read
            }
        }
    }

    @Override
    protected Column reusable(JobContext ctx) {
        return col("vggface_id").equalTo(weightsId(ctx));
    }

    @Override
    protected void describe(JobContext ctx, RunReport report) {
        report.headline("vggface_id", weightsId(ctx)).figure("batch_size", ctx.config().features().batchSize());
        if (ctx.config().features().network() == FeatureNetwork.DLIB_RESNET128) {
            report.note("Ff is dlib's 128-D face descriptor (face-api's pretrained weights) of each face at the "
                    + ctx.config().profile().name().toLowerCase(java.util.Locale.ROOT) + " profile's side; there is "
                    + "no fc8 (fc8_dim 0).");
            return;
        }
        try {
            VggFaceSource source = source(ctx);
            if (source.isRandom()) {
                report.note("VGGFace weights are " + source.featureId() + ": a randomly initialised network, not the "
                        + "trained VGGFace; its features carry no identity. Set vggface.weights to the zoo file for "
                        + "real features, or features.network = dlib-resnet128 for a real pretrained network.");
            }
        } catch (IllegalArgumentException e) { // only reached in a dry run; a real run stopped in preflight
            report.note("A real run would stop here: " + e.getMessage());
        }
    }

    /** The configured features' id; in a dry run with unusable weights, a placeholder that matches no row. */
    private static String weightsId(JobContext ctx) {
        try {
            return ConfiguredFeatures.of(ctx.config(), ctx.hadoopConf()).featureId();
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
        ModelProfile profile = ModelProfile.parse(cfg.profile().name());
        BatchProcessor.Factory<float[]> extractor = dlib != null
                ? new DlibExtractor(dlib, profile, weightsId(ctx)) : new Extractor(source(ctx));
        BatchPartition<float[]> fn = new BatchPartition<>(name(), extractor,
                cfg.features().batchSize(), new HadoopConf(ctx.hadoopConf()), taskRejects.toString(), ctx.runId(),
                written, rejected);
        candidates.repartition(partitions(ctx, cfg.features().partitions(), count))
                .mapPartitions(fn, Encoders.row(FaceFeaturesDataset.SCHEMA))
                .select(ContractColumns.of(FaceFeaturesDataset.SCHEMA)) // the encoder drops the columns' comments
                .write().options(STAGING).parquet(data.toString());
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

    /** Decodes a face PNG at the profile's side; runs batches through the executor's dlib descriptor. */
    private record DlibExtractor(FaceApiFiles files, ModelProfile profile, String id)
            implements BatchProcessor.Factory<float[]> {
        @Override
        public BatchProcessor<float[]> create() {
            DescriptorFeatures net = ExecutorModels.get(DLIB_KIND, id,
                    () -> new DescriptorFeatures(files.descriptor(), profile));
            float[] noFc8 = new float[0];
            return new BatchProcessor<>() {
                @Override
                public float[] prepare(Row planned) throws RejectException {
                    return FacePixels.rgbChannelsFirst(planned.getAs("image"), net.faceSide());
                }

                @Override
                public List<Row> process(List<Row> planned, List<float[]> prepared) {
                    float[][] ff = net.extract(prepared.toArray(new float[0][]));
                    List<Row> out = new ArrayList<>(planned.size());
                    for (int i = 0; i < planned.size(); i++) {
                        Row r = planned.get(i);
                        out.add(FaceFeaturesDataset.toRow(r.getAs("clip_id"), r.getAs("youtube_id"), r.getAs("split"),
                                ff[i], noFc8, id));
                    }
                    return out;
                }
            };
        }
    }
}
