package org.speech2face.contracts;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code face_features/} contract: VGGFace's fc7 before its ReLU (Ff, the face feature every later stage
 * regresses to) and fc8 (identity logits) per face, as {@code array<float>} with their lengths, and the id of the
 * weights that made them, so features of different weights are never mixed.
 */
public final class FaceFeaturesDataset {
    public static final StructType SCHEMA = new StructType()
            .add("clip_id", DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("fc7_dim", DataTypes.IntegerType, false)
            .add(TensorColumn.field("fc7", "float32 [fc7_dim]: VGGFace fc7 before its ReLU (4096 paper, 512 tiny)"))
            .add("fc8_dim", DataTypes.IntegerType, false)
            .add(TensorColumn.field("fc8", "float32 [fc8_dim]: VGGFace fc8, identity logits (2622)"))
            .add("vggface_id", DataTypes.StringType, false);

    private FaceFeaturesDataset() {
    }

    public static Row toRow(String clipId, String youtubeId, String split, float[] fc7, float[] fc8, String vggfaceId) {
        return RowFactory.create(clipId, youtubeId, split, fc7.length, TensorColumn.value(fc7), fc8.length,
                TensorColumn.value(fc8), vggfaceId);
    }

    /** The fc7 of a row. */
    public static float[] fc7(Row r) {
        return TensorColumn.read(r, "fc7", r.<Integer>getAs("fc7_dim"));
    }

    /** The fc8 of a row. */
    public static float[] fc8(Row r) {
        return TensorColumn.read(r, "fc8", r.<Integer>getAs("fc8_dim"));
    }
}
