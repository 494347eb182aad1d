package org.speech2face.jobs.evaluate;

import org.speech2face.contracts.VoiceGender;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.speech2face.contracts.DataLayout;
import org.speech2face.data.Split;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.io.DeltaTables;
import org.speech2face.jobs.io.GenderLabels;
import org.speech2face.model.io.GenderModelStore;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.contracts.PriorSelection;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.jobs.io.GenderPredictions;
import org.speech2face.jobs.io.SourceDataset;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.contracts.VariantPriors;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * What evaluate reads, as frames: the test clips with everything a pass needs, the labelled train faces the
 * attribute recognisers learn from, and the priors. Features are those of the VGGFace weights the decoder was
 * trained against, so every distance compares features of one network.
 */
final class EvaluationInputs {
    private EvaluationInputs() {
    }

    /**
     * Test clips with Ff, the spectrogram, the face crop, the predicted voice gender and the labels: clip_id,
     * youtube_id, fc7_dim, fc7, spec, image, predicted, gender_label, age_label (the last four may be null).
     */
    static Dataset<Row> testClips(JobContext ctx, String vggfaceId, Dataset<Row> genderLabels, Dataset<Row> ageLabels)
            throws IOException {
        Dataset<Row> ff = features(ctx, vggfaceId).filter(col("split").equalTo(Split.TEST.code()))
                .select("clip_id", "youtube_id", "fc7_dim", "fc7");
        Dataset<Row> specs = SourceDataset.read(ctx, DataLayout.SPECTROGRAMS, SpectrogramsDataset.SCHEMA, "ingest-audio")
                .filter(col("split").equalTo(Split.TEST.code())
                        .and(col("frames").equalTo(ModelProfile.SPECTROGRAM_FRAMES))
                        .and(col("bins").equalTo(ModelProfile.SPECTROGRAM_BINS)))
                .select("clip_id", "spec");
        Dataset<Row> faces = SourceDataset.read(ctx, DataLayout.FACES, FacesDataset.SCHEMA, "ingest-faces")
                .select("clip_id", "image");
        Dataset<Row> clips = ff.join(specs, "clip_id").join(faces, "clip_id")
                .join(predictedGender(ctx), ff.col("clip_id").equalTo(col("p_clip")), "left").drop("p_clip");
        clips = clips.join(genderLabels, clips.col("youtube_id").equalTo(col("g_youtube_id")), "left")
                .drop("g_youtube_id");
        return clips.join(ageLabels, clips.col("youtube_id").equalTo(col("a_youtube_id")), "left").drop("a_youtube_id");
    }

    /** Train faces with a label: clip_id, fc7_dim, fc7, label; {@code labels} is keyed by {@code idColumn}. */
    static Dataset<Row> labelledTrainFaces(JobContext ctx, String vggfaceId, Dataset<Row> labels, String idColumn,
                                           String labelColumn) {
        Dataset<Row> train = features(ctx, vggfaceId).filter(col("split").equalTo(Split.TRAIN.code()));
        return train.join(labels, train.col("youtube_id").equalTo(labels.col(idColumn)))
                .select(col("clip_id"), col("fc7_dim"), col("fc7"), col(labelColumn).as("label"));
    }

    /** gender.labels as {@code g_youtube_id, gender_label} (male / female). */
    static Dataset<Row> genderLabels(JobContext ctx) throws IOException {
        return GenderLabels.read(ctx, ctx.config().gender().labels()).labels().select(col("youtube_id").as("g_youtube_id"),
                when(col("male"), lit(VoiceGender.MALE)).otherwise(lit(VoiceGender.FEMALE)).as("gender_label"));
    }

    /** evaluate.age-labels as {@code a_youtube_id, age_label}, or an empty frame when none is configured. */
    static Dataset<Row> ageLabels(JobContext ctx) throws IOException {
        String location = ctx.config().evaluate().ageLabels();
        if (location == null) {
            return ctx.spark().emptyDataFrame().select(lit(null).cast("string").as("a_youtube_id"),
                    lit(null).cast("string").as("age_label"));
        }
        return AgeLabels.read(ctx, location).select(col("youtube_id").as("a_youtube_id"), col("age_label"));
    }

    /** The priors evaluation gives the encoders ({@link PriorSelection}): those of the decoder's VGGFace features. */
    static PriorSelection priors(JobContext ctx, String vggfaceId) {
        List<PriorSelection.Candidate> rows = allPriors(ctx, vggfaceId).collectAsList().stream()
                .map(PriorsDataset::candidate).toList();
        return PriorSelection.largest(rows, vggfaceId);
    }

    /** Every prior row (name, n, feature) of those weights, for Fig. 2. */
    static Dataset<Row> allPriors(JobContext ctx, String vggfaceId) {
        return SourceDataset.read(ctx, DataLayout.PRIORS, PriorsDataset.SCHEMA, "face-prior")
                .filter(col("vggface_id").equalTo(vggfaceId));
    }

    private static Dataset<Row> features(JobContext ctx, String vggfaceId) {
        return SourceDataset.read(ctx, DataLayout.FACE_FEATURES, FaceFeaturesDataset.SCHEMA, "face-features")
                .filter(col("vggface_id").equalTo(vggfaceId));
    }

    /**
     * {@code p_clip, predicted} from gender/, of the current gender model when there is one; no rows without gender/
     * (then only variants without a gendered prior have clips to evaluate).
     */
    private static Dataset<Row> predictedGender(JobContext ctx) throws IOException {
        if (!DeltaTables.exists(ctx.spark(), ctx.layout().dataset(DataLayout.GENDER))) {
            return ctx.spark().emptyDataFrame().select(lit(null).cast("string").as("p_clip"),
                    lit(null).cast("string").as("predicted"));
        }
        return GenderPredictions.current(ctx).rows().select(col("clip_id").as("p_clip"), col("predicted"));
    }
}
