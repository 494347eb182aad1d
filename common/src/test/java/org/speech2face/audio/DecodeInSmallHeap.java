package org.speech2face.audio;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What ingest-audio does for one row (decode the segment, fit it to 6 s, STFT), run as its own JVM by
 * {@link AudioSegmentDecoderMemoryTest} with a small heap: {@code <file> <start s> <end s>}.
 */
public final class DecodeInSmallHeap {
    private DecodeInSmallHeap() {
    }

    public static void main(String[] args) throws Exception {
        SpectrogramSpec spec = SpectrogramSpec.PAPER;
        DecodedAudio audio = new AudioSegmentDecoder(spec)
                .decode(Path.of(args[0]), Double.parseDouble(args[1]), Double.parseDouble(args[2]));
        Spectrogram s = new SpectrogramExtractor(spec).extract(audio);
        System.out.printf(Locale.ROOT, "samples %d, segment %.3f s, frames %d, heap max %d MiB%n",
                audio.samples().length, audio.segmentDurationS(), s.frames(),
                Runtime.getRuntime().maxMemory() >> 20);
    }
}
