package org.speech2face.jobs.generate;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code generated/}: one row per voice file a folder run of generate drew a face for. Generate has no AVSpeech
 * clip, so the key column {@code clip_id} holds the voice file's URI; {@code model_id} names the checkpoints, so a
 * re-run after retraining redraws every face.
 */
final class GeneratedDataset {
    static final String NAME = "generated";

    static final StructType SCHEMA = new StructType()
            .add("clip_id", DataTypes.StringType, false)
            .add("input_name", DataTypes.StringType, false)
            .add("output", DataTypes.StringType, false)
            .add("output_dir", DataTypes.StringType, false)
            .add("variant", DataTypes.StringType, false)
            .add("model_id", DataTypes.StringType, false)
            .add("audio_seconds", DataTypes.DoubleType, false)
            .add("rms_dbfs", DataTypes.DoubleType, false)
            .add("predicted_gender", DataTypes.StringType, true)
            .add("run_id", DataTypes.StringType, false);

    private GeneratedDataset() {
    }
}
