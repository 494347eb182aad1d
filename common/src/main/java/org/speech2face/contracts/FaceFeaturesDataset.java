package org.speech2face.contracts;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code face_features/} contract: VGGFace's fc7 before its ReLU (Ff, the face feature every later stage
 * regresses to) and fc8 (identity logits) per face, as little-endian float32 with their lengths, and the id of the
 * weights that made them, so features of different weights are never mixed.
 */
public final class FaceFeaturesDataset {
    public static final StructType SCHEMA = new StructType()
            .add("clip_id", DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("fc7_dim", DataTypes.IntegerType, false)
            .add("fc7", DataTypes.BinaryType, false)
            .add("fc8_dim", DataTypes.IntegerType, false)
            .add("fc8", DataTypes.BinaryType, false)
            .add("vggface_id", DataTypes.StringType, false);

    private FaceFeaturesDataset() {
    }

    public static Row toRow(String clipId, String youtubeId, String split, float[] fc7, float[] fc8, String vggfaceId) {
        return RowFactory.create(clipId, youtubeId, split, fc7.length, FloatTensorCodec.encode(fc7), fc8.length,
                FloatTensorCodec.encode(fc8), vggfaceId);
    }

    /** The fc7 of a row. */
    public static float[] fc7(Row r) {
        return FloatTensorCodec.decode(r.getAs("fc7"), r.<Integer>getAs("fc7_dim"));
    }

    /** The fc8 of a row. */
    public static float[] fc8(Row r) {
        return FloatTensorCodec.decode(r.getAs("fc8"), r.<Integer>getAs("fc8_dim"));
    }
}
