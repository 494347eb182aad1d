package org.speech2face.contracts;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code gender/} contract: the voice gender classifier's verdict per spectrogram, which picks the male or
 * female face prior for that clip. {@code gender_model_id} names the model, so a retrained one replaces old rows.
 */
public final class GenderDataset {
    public static final StructType SCHEMA = new StructType()
            .add("clip_id", DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("p_male", DataTypes.DoubleType, false)
            .add("predicted", DataTypes.StringType, false)
            .add("gender_model_id", DataTypes.StringType, false);

    private GenderDataset() {
    }

    public static Row toRow(String clipId, String youtubeId, String split, double pMale, String modelId) {
        return RowFactory.create(clipId, youtubeId, split, pMale, VoiceGender.of(pMale), modelId);
    }
}
