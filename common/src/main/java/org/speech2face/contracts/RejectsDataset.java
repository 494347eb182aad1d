package org.speech2face.contracts;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code rejects/} contract: one row per input row a stage could not turn into output, with a stable reason
 * code. Stored as {@code rejects/stage=<stage>/}, so reading {@code rejects/} adds the {@code stage} column.
 * {@code row_or_clip} is the clip_id when the row had one, else {@code row:<hash of the line>}; re-runs key on it.
 */
public final class RejectsDataset {
    public static final String KEY = "row_or_clip";

    public static final StructType SCHEMA = new StructType()
            .add(KEY, DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, true)
            .add("line", DataTypes.LongType, true)
            .add("reason_code", DataTypes.StringType, false)
            .add("message", DataTypes.StringType, false)
            .add("input", DataTypes.StringType, true)
            .add("run_id", DataTypes.StringType, false);

    private RejectsDataset() {
    }
}
