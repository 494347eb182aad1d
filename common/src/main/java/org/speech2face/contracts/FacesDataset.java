package org.speech2face.contracts;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code faces/} contract (docs/datasets.md): one 224x224 RGB PNG crop per clip, with where it came from in
 * the source video, so a reviewer can trace any face back to its frame.
 */
public final class FacesDataset {
    public static final StructType BBOX = new StructType()
            .add("x", DataTypes.IntegerType, false)
            .add("y", DataTypes.IntegerType, false)
            .add("w", DataTypes.IntegerType, false)
            .add("h", DataTypes.IntegerType, false);

    public static final StructType SCHEMA = new StructType()
            .add("clip_id", DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("frame_time_s", DataTypes.DoubleType, false)
            .add("bbox", BBOX, false)
            .add("detector", DataTypes.StringType, false)
            .add("score", DataTypes.DoubleType, false)
            .add(TensorColumn.binary("image", "image/png, 224x224 RGB: the PNG file's bytes (not a tensor)"))
            .add("source_w", DataTypes.IntegerType, false)
            .add("source_h", DataTypes.IntegerType, false);

    private FacesDataset() {
    }

    /**
     * A row: the crop {@code png} of the frame at {@code frameTimeS}, detected at {@code (x, y, w, h)} in a source of
     * {@code sourceW x sourceH} pixels.
     */
    public static Row row(String clipId, String youtubeId, String split, double frameTimeS, int x, int y, int w, int h,
                          String detector, double score, byte[] png, int sourceW, int sourceH) {
        return RowFactory.create(clipId, youtubeId, split, frameTimeS, RowFactory.create(x, y, w, h), detector, score,
                png, sourceW, sourceH);
    }
}
