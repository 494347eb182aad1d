package org.speech2face.audio;

import java.nio.file.Path;
import java.util.Locale;

import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;

/**
 * A voice someone hands to {@code generate}: any file FFmpeg reads (wav, mp3, m4a, a video), its first segment's
 * worth of audio turned into the speech encoder's spectrogram exactly as ingest-audio does for training clips.
 *
 * <p>Two checks ingest does not need, because a user's file is not an AVSpeech segment: a minimum length, since the
 * encoder reads 6 s and shorter audio is tiled (a 1 s clip would be the same syllables six times over, an input the
 * model never saw: AVSpeech segments are 3 to 10 s); and a level floor, since digital silence or a muted track has no
 * voice to draw a face from and would still produce a face.
 *
 * @param spectrogram the encoder's input
 * @param seconds     how much audio was decoded (at most the spectrogram's segment length)
 * @param rmsDbfs     level of the decoded audio before tiling, 20 log10(RMS), full scale 1.0; -Infinity for zeros
 */
public record VoiceClip(Spectrogram spectrogram, double seconds, double rmsDbfs) {

    /**
     * Decodes and checks {@code file} (local). {@code minSeconds} is in (0, segment seconds] and {@code silenceDbfs}
     * below 0, as the config's {@code evaluate.generate.*} keys guarantee.
     *
     * @throws RejectException MISSING_FILE, NOT_MEDIA, TRUNCATED, CORRUPT_FILE, NO_AUDIO_STREAM or
     *                         SEGMENT_OUT_OF_RANGE from the decoder; TOO_SHORT below {@code minSeconds};
     *                         SILENT_AUDIO below {@code silenceDbfs}
     */
    public static VoiceClip read(Path file, SpectrogramSpec spec, double minSeconds, double silenceDbfs)
            throws RejectException {
        DecodedAudio audio = new AudioSegmentDecoder(spec).decodeUpTo(file, spec.segmentSeconds());
        String name = file.getFileName().toString();
        if (audio.segmentDurationS() < minSeconds) {
            throw new RejectException(RejectReason.TOO_SHORT, String.format(Locale.ROOT,
                    "The audio of %s lasts %.2f s; a voice needs at least %.1f s, since the encoder reads %.0f s and "
                            + "would otherwise see a fragment repeated.", name, audio.segmentDurationS(), minSeconds,
                    spec.segmentSeconds()));
        }
        double dbfs = 20 * Math.log10(SpectrogramExtractor.rms(audio.samples()));
        if (!(dbfs >= silenceDbfs)) {
            throw new RejectException(RejectReason.SILENT_AUDIO, String.format(Locale.ROOT,
                    "The audio of %s is silent: its level is %.1f dBFS (RMS), below the %.1f dBFS floor for a voice.",
                    name, dbfs, silenceDbfs));
        }
        Spectrogram spectrogram = new SpectrogramExtractor(spec).extract(audio);
        return new VoiceClip(spectrogram, audio.segmentDurationS(), dbfs);
    }
}
