package org.speech2face.jobs.io;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.speech2face.audio.DecodedAudio;
import org.speech2face.audio.Spectrogram;
import org.speech2face.data.AvSpeechSegment;
import org.speech2face.data.FloatTensorCodec;

/**
 * The {@code spectrograms/} contract (DESIGN.md section 2): the compressed complex STFT of 6 s of 16 kHz mono as
 * little-endian float32 {@code [frames][bins][2]} (time, frequency, real/imag), shape in its own columns.
 */
public final class SpectrogramsDataset {
    public static final StructType SCHEMA = new StructType()
            .add("clip_id", DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("source_duration_s", DataTypes.DoubleType, false)
            .add("tiled", DataTypes.BooleanType, false)
            .add("sample_rate", DataTypes.IntegerType, false)
            .add("frames", DataTypes.IntegerType, false)
            .add("bins", DataTypes.IntegerType, false)
            .add("spec", DataTypes.BinaryType, false)
            .add("rms", DataTypes.DoubleType, false);

    private SpectrogramsDataset() {
    }

    public static Row toRow(AvSpeechSegment seg, String split, DecodedAudio audio, Spectrogram s) {
        return RowFactory.create(seg.clipId(), seg.youtubeId(), split, audio.segmentDurationS(), s.tiled(),
                audio.sampleRate(), s.frames(), s.bins(), FloatTensorCodec.encode(s.data()), s.rms());
    }
}
