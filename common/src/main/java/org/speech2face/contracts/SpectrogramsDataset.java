package org.speech2face.contracts;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code spectrograms/} contract (docs/datasets.md): the compressed complex STFT of 6 s of 16 kHz mono as
 * float32 {@code [frames][bins][2]} (time, frequency, real/imag) in an {@code array<float>}, shape in its own columns.
 */
public final class SpectrogramsDataset {
    /** The layout of {@code spec}, as its column comment states it. */
    public static final String LAYOUT = "float32 [frames][bins][2] row-major (598 x 257 x 2 at 6 s): time, frequency, "
            + "real/imag of the power-law compressed STFT";

    public static final StructType SCHEMA = new StructType()
            .add("clip_id", DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("source_duration_s", DataTypes.DoubleType, false)
            .add("tiled", DataTypes.BooleanType, false)
            .add("sample_rate", DataTypes.IntegerType, false)
            .add("frames", DataTypes.IntegerType, false)
            .add("bins", DataTypes.IntegerType, false)
            .add(TensorColumn.field("spec", LAYOUT))
            .add("rms", DataTypes.DoubleType, false);

    private SpectrogramsDataset() {
    }

    /** A row; {@code spec} holds {@code frames * bins * 2} values in {@code [frames][bins][2]} order. */
    public static Row row(String clipId, String youtubeId, String split, double sourceDurationS, boolean tiled,
                          int sampleRate, int frames, int bins, float[] spec, double rms) {
        return RowFactory.create(clipId, youtubeId, split, sourceDurationS, tiled, sampleRate, frames, bins,
                TensorColumn.value(spec), rms);
    }

    /** The spectrogram of a row, {@code [frames][bins][2]}, checked against its shape columns. */
    public static float[] spec(Row r) {
        return TensorColumn.read(r, "spec", r.<Integer>getAs("frames"), r.<Integer>getAs("bins"), 2);
    }
}
