package org.speech2face.jobs.ingest;

import org.apache.spark.sql.types.StructType;
import org.speech2face.audio.AudioSegmentDecoder;
import org.speech2face.audio.DecodedAudio;
import org.speech2face.audio.Spectrogram;
import org.speech2face.audio.SpectrogramExtractor;
import org.speech2face.audio.SpectrogramSpec;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.SpectrogramsDataset;

/** {@code ingest-audio}: for each CSV row, 6 s of 16 kHz mono speech as a compressed STFT in spectrograms/. */
public final class IngestAudioJob extends IngestJob {
    @Override
    public String name() {
        return "ingest-audio";
    }

    @Override
    public String summary() {
        return "decode audio to 16 kHz mono, tile/cut to 6 s, STFT + power-law -> spectrograms/";
    }

    @Override
    protected String datasetName() {
        return DataLayout.SPECTROGRAMS;
    }

    @Override
    protected StructType schema() {
        return SpectrogramsDataset.SCHEMA;
    }

    @Override
    protected SegmentProcessor.Factory processor(S2fConfig config) {
        SpectrogramSpec spec = config.ingest().audio();
        return () -> {
            AudioSegmentDecoder decoder = new AudioSegmentDecoder(spec);
            SpectrogramExtractor extractor = new SpectrogramExtractor(spec);
            return (segment, split, media) -> {
                DecodedAudio audio = decoder.decode(media, segment.startS(), segment.endS());
                Spectrogram s = extractor.extract(audio);
                return SpectrogramsDataset.row(segment.clipId(), segment.youtubeId(), split, audio.segmentDurationS(),
                        s.tiled(), audio.sampleRate(), s.frames(), s.bins(), s.data(), s.rms());
            };
        };
    }
}
