package org.speech2face.jobs.train;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.speech2face.data.DataLayout;
import org.speech2face.data.FloatTensorCodec;
import org.speech2face.data.Split;
import org.speech2face.jobs.JobContext;
import org.speech2face.model.io.GenderModelStore;
import org.speech2face.jobs.gender.TrainGenderJob;
import org.speech2face.jobs.io.FaceFeaturesDataset;
import org.speech2face.jobs.io.GenderDataset;
import org.speech2face.jobs.io.SpectrogramsDataset;
import org.speech2face.jobs.stage.SourceDataset;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.networks.SpectrogramInput;
import org.speech2face.model.networks.TrainingExamples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The speech encoder's examples: each clip's spectrogram (spectrograms/, 598 x 257 only) joined on clip_id to the
 * fc7 of its face (face_features/, of the configured VGGFace weights), with the prior its variant fuses. Gendered
 * variants also join the voice's predicted gender (gender/, of the current gender model); {@code male} and
 * {@code female} keep that gender's clips only.
 */
final class EncoderExamples {
    private EncoderExamples() {
    }

    /** The examples, and the id of the gender predictions used ({@code none} when the variant needs none). */
    record Read(ExampleSet examples, String genderModel) {
    }

    static Read read(JobContext ctx, String featureId, EncoderVariant variant, EncoderPriors priors,
                     ModelProfile profile) throws IOException {
        Dataset<Row> specs = SourceDataset.read(ctx, DataLayout.SPECTROGRAMS, SpectrogramsDataset.SCHEMA, "ingest-audio")
                .select("clip_id", "split", "frames", "bins", "spec");
        Dataset<Row> shaped = specs.filter(col("frames").equalTo(ModelProfile.SPECTROGRAM_FRAMES)
                .and(col("bins").equalTo(ModelProfile.SPECTROGRAM_BINS)));
        Dataset<Row> features = SourceDataset.read(ctx, DataLayout.FACE_FEATURES, FaceFeaturesDataset.SCHEMA,
                "face-features").filter(col("vggface_id").equalTo(featureId)).select("clip_id", "fc7_dim", "fc7");
        Dataset<Row> joined = shaped.join(features, "clip_id");
        Map<String, Long> counts = new LinkedHashMap<>();
        long in = specs.count();
        long ok = shaped.count();
        long withFace = joined.count();
        counts.put("spectrograms_in", in);
        counts.put("wrong_shape", in - ok);
        counts.put("without_face_features", ok - withFace);
        String genderModel = "none";
        EncoderVariant.Prior prior = variant.prior();
        if (prior == EncoderVariant.Prior.GENDER || prior == EncoderVariant.Prior.MALE
                || prior == EncoderVariant.Prior.FEMALE) {
            Dataset<Row> gender = SourceDataset.read(ctx, DataLayout.GENDER, GenderDataset.SCHEMA, "predict-gender");
            Map<String, Object> model = GenderModelStore.metadata(TrainGenderJob.modelDir(ctx), ctx.hadoopConf());
            if (model != null) {
                genderModel = String.valueOf(model.get("model_id"));
                gender = gender.filter(col("gender_model_id").equalTo(genderModel));
            } else {
                genderModel = "any";
            }
            Dataset<Row> gendered = joined.join(gender.select("clip_id", "predicted"), "clip_id");
            long withGender = gendered.count();
            counts.put("without_predicted_gender", withFace - withGender);
            if (prior != EncoderVariant.Prior.GENDER) {
                String keep = prior == EncoderVariant.Prior.MALE ? GenderDataset.MALE : GenderDataset.FEMALE;
                gendered = gendered.filter(col("predicted").equalTo(keep));
                counts.put("other_gender", withGender - gendered.count());
            }
            joined = gendered;
        } else {
            joined = joined.withColumn("predicted", lit(null).cast("string"));
        }
        Dataset<Row> train = joined.filter(col("split").equalTo(Split.TRAIN.code()));
        Dataset<Row> val = joined.filter(col("split").equalTo(Split.VAL.code()));
        return new Read(new ExampleSet(train, val, counts, new ToExample(profile, variant.prior(), variant.fusion(), priors)), genderModel);
    }

    /** A joined row to (spectrogram[, prior]; Ff). Holds enums, not the variant record, to travel to executors. */
    private record ToExample(ModelProfile profile, EncoderVariant.Prior prior, PriorFusion fusion, EncoderPriors priors)
            implements Function<Row, MultiDataSet> {
        @Override
        public MultiDataSet call(Row r) {
            float[] spec = FloatTensorCodec.decode(r.getAs("spec"), r.<Integer>getAs("frames"), r.<Integer>getAs("bins"),
                    SpectrogramInput.CHANNELS);
            return TrainingExamples.encoder(spec, priors.forClip(prior, r.getAs("predicted")),
                    FaceFeaturesDataset.fc7(r), profile, fusion);
        }
    }
}
