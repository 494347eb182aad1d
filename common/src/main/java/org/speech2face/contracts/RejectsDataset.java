package org.speech2face.contracts;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code rejects/} contract: one row per input row a stage could not turn into output, with a stable reason
 * code. One Delta table partitioned by {@code stage} ({@code rejects/stage=<stage>/} on disk).
 * {@code row_or_clip} is the clip_id when the row had one, else {@code row:<hash of the line>}; re-runs key on it.
 */
public final class RejectsDataset {
    public static final String KEY = "row_or_clip";

    /** The partition column: which stage rejected the row. */
    public static final String STAGE = "stage";

    /**
     * The rejected input's size and modification time ({@code <bytes>:<epoch ms>}) when the reject is about its
     * content; a plain rerun tries the row again once they change, e.g. after the video was downloaded again.
     */
    public static final String FINGERPRINT = "input_fingerprint";

    public static final StructType SCHEMA = new StructType()
            .add(KEY, DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, true)
            .add("line", DataTypes.LongType, true)
            .add("reason_code", DataTypes.StringType, false)
            .add("message", DataTypes.StringType, false)
            .add("input", DataTypes.StringType, true)
            .add("run_id", DataTypes.StringType, false)
            .add(FINGERPRINT, DataTypes.StringType, true);

    /**
     * The {@code rejects/} table: the rows of {@link #SCHEMA} and the stage that rejected them, its partition
     * column. One row per stage and key, holding the key's current outcome; Delta's history keeps earlier ones.
     */
    public static final StructType TABLE_SCHEMA = SCHEMA.add(STAGE, DataTypes.StringType, false);

    private RejectsDataset() {
    }
}
