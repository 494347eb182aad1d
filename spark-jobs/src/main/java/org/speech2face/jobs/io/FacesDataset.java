package org.speech2face.jobs.io;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.speech2face.data.AvSpeechSegment;
import org.speech2face.video.FaceCrop;

/**
 * The {@code faces/} contract (DESIGN.md section 2): one 224x224 RGB PNG crop per clip, with where it came from in
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
            .add("image", DataTypes.BinaryType, false)
            .add("source_w", DataTypes.IntegerType, false)
            .add("source_h", DataTypes.IntegerType, false);

    private FacesDataset() {
    }

    public static Row toRow(AvSpeechSegment seg, String split, FaceCrop c) {
        return RowFactory.create(seg.clipId(), seg.youtubeId(), split, c.frameTimeS(),
                RowFactory.create(c.bboxX(), c.bboxY(), c.bboxW(), c.bboxH()), c.detector(), c.score(), c.png(),
                c.sourceW(), c.sourceH());
    }
}
