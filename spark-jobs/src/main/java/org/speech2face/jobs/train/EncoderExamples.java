package org.speech2face.jobs.train;

import org.speech2face.contracts.VoiceGender;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.speech2face.contracts.DataLayout;
import org.speech2face.data.Split;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.report.Counter;
import org.speech2face.model.io.GenderModelStore;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.jobs.io.GenderPredictions;
import org.speech2face.jobs.io.SourceDataset;
import org.speech2face.jobs.io.TensorRow;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.contracts.VariantPriors;
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
    /** How the encoder's examples were chosen from spectrograms/, face_features/ and gender/. */
    enum Counts implements Counter {
        SPECTROGRAMS_IN, WRONG_SHAPE, WITHOUT_FACE_FEATURES, WITHOUT_PREDICTED_GENDER, OTHER_GENDER
    }

    private EncoderExamples() {
    }

    /** The examples, and the id of the gender predictions used ({@code none} when the variant needs none). */
    record Read(ExampleSet examples, String genderModel) {
    }

    static Read read(JobContext ctx, String featureId, EncoderVariant variant, EncoderPriors priors,
                     ModelProfile profile, int featureDim) throws IOException {
        Dataset<Row> specs = SourceDataset.read(ctx, DataLayout.SPECTROGRAMS, SpectrogramsDataset.SCHEMA, "ingest-audio")
                .select("clip_id", "split", "frames", "bins", "spec");
        Dataset<Row> shaped = specs.filter(col("frames").equalTo(ModelProfile.SPECTROGRAM_FRAMES)
                .and(col("bins").equalTo(ModelProfile.SPECTROGRAM_BINS)));
        Dataset<Row> features = SourceDataset.read(ctx, DataLayout.FACE_FEATURES, FaceFeaturesDataset.SCHEMA,
                "face-features").filter(col("vggface_id").equalTo(featureId)).select("clip_id", "fc7_dim", "fc7");
        Dataset<Row> joined = shaped.join(features, "clip_id");
        Map<Counter, Long> counts = new LinkedHashMap<>();
        long in = specs.count();
        long ok = shaped.count();
        long withFace = joined.count();
        counts.put(Counts.SPECTROGRAMS_IN, in);
        counts.put(Counts.WRONG_SHAPE, in - ok);
        counts.put(Counts.WITHOUT_FACE_FEATURES, ok - withFace);
        String genderModel = "none";
        EncoderVariant.Prior prior = variant.prior();
        if (prior == EncoderVariant.Prior.GENDER || prior == EncoderVariant.Prior.MALE
                || prior == EncoderVariant.Prior.FEMALE) {
            GenderPredictions gender = GenderPredictions.current(ctx);
            genderModel = gender.modelId();
            Dataset<Row> gendered = joined.join(gender.rows(), "clip_id");
            long withGender = gendered.count();
            counts.put(Counts.WITHOUT_PREDICTED_GENDER, withFace - withGender);
            if (prior != EncoderVariant.Prior.GENDER) {
                String keep = prior == EncoderVariant.Prior.MALE ? VoiceGender.MALE : VoiceGender.FEMALE;
                gendered = gendered.filter(col("predicted").equalTo(keep));
                counts.put(Counts.OTHER_GENDER, withGender - gendered.count());
            }
            joined = gendered;
        } else {
            joined = joined.withColumn("predicted", lit(null).cast("string"));
        }
        Dataset<Row> train = joined.filter(col("split").equalTo(Split.TRAIN.code()));
        Dataset<Row> val = joined.filter(col("split").equalTo(Split.VAL.code()));
        return new Read(new ExampleSet(train, val, counts, new ToExample(profile, variant, priors.priors(), featureDim)), genderModel);
    }

    /** A joined row to (spectrogram[, prior]; Ff). */
    private record ToExample(ModelProfile profile, EncoderVariant variant, VariantPriors priors, int featureDim)
            implements Function<TensorRow, MultiDataSet> {
        @Override
        public MultiDataSet call(TensorRow r) {
            float[] spec = r.floats("spec", r.integer("frames"), r.integer("bins"), SpectrogramInput.CHANNELS);
            return TrainingExamples.encoder(spec, priors.forClip(variant, r.string("predicted")),
                    r.floats("fc7", r.integer("fc7_dim")), profile, variant.fusion(), featureDim);
        }
    }
}
