package org.speech2face.jobs.evaluate;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code reports/clip_scores/}: one row per (model, test clip), the numbers every table averages. {@code model} is
 * {@code original} (the real face: recognition only), {@code face-to-face} (FD(Ff): primed distances only) or an
 * encoder variant id (both). Unprimed: Sf against Ff; primed ({@code _gen}): VGGFace(FD(.)) against Ff. {@code face}
 * (a PNG) is kept only for the clips of Fig. 6 and is not written to the report.
 */
final class ClipScores {
    static final String ORIGINAL = "original";
    static final String FACE_TO_FACE = "face-to-face";

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
            .add("face", DataTypes.BinaryType, true);

    private ClipScores() {
    }
}
