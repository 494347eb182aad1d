package org.speech2face.jobs.evaluate;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code reports/clip_scores/}: one row per (model, test clip), the numbers every table averages. {@code model} is
 * {@code original} (the real face: recognition and its descriptor only), {@code face-to-face} (FD(Ff): primed
 * distances only), {@code prior-only} (every voice answered with the prior face of its predicted gender: the prior
 * against Ff, and FD(prior)) or an encoder variant id (Sf and FD(Sf)). Unprimed: the answer (Sf, or the prior) against
 * Ff; primed ({@code _gen}): the feature network's feature of the generated face against Ff. {@code rec_cos}: the
 * cosine of the independent recogniser's (dlib's) descriptors of the generated and the real face; {@code descriptor}:
 * the descriptor of the model's face (the real one for {@code original}), which Recall@K ranks. {@code face} (a PNG)
 * is kept only for the clips of Fig. 6 and is not written to the report.
 */
final class ClipScores {
    static final String ORIGINAL = "original";
    static final String FACE_TO_FACE = "face-to-face";
    static final String PRIOR_ONLY = "prior-only";

    static final StructType SCHEMA = new StructType()
            .add("model", DataTypes.StringType, false)
            .add("clip_id", DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, false)
            .add("l1", DataTypes.DoubleType, true)
            .add("l2", DataTypes.DoubleType, true)
            .add("cos_deg", DataTypes.DoubleType, true)
            .add("l1_gen", DataTypes.DoubleType, true)
            .add("l2_gen", DataTypes.DoubleType, true)
            .add("cos_gen_deg", DataTypes.DoubleType, true)
            .add("gender_label", DataTypes.StringType, true)
            .add("gender_recognised", DataTypes.StringType, true)
            .add("age_label", DataTypes.StringType, true)
            .add("age_recognised", DataTypes.StringType, true)
            .add("rec_cos", DataTypes.DoubleType, true)
            .add("descriptor", DataTypes.BinaryType, true)
            .add("face", DataTypes.BinaryType, true);

    private ClipScores() {
    }
}
