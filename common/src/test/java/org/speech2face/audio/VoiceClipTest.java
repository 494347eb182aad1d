package org.speech2face.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;

/** Real files written by FFmpeg: a voice long and loud enough passes, the rest is refused with its reason. */
class VoiceClipTest {
    private static final SpectrogramSpec SPEC = SpectrogramSpec.PAPER;

    @TempDir
    Path tmp;

    @Test
    void aLongEnoughFileGivesIngestsSpectrogramOfItsFirstSixSeconds() throws Exception {
        Path m4a = TestMedia.writeAudio(tmp.resolve("voice.m4a"), TestMedia.AudioFormat.M4A, 44_100, 2,
                new TestMedia.Tone(220, 2.0), new TestMedia.Tone(330, 2.5));
        VoiceClip clip = VoiceClip.read(m4a, SPEC, 3.0, -60);
        assertThat(clip.seconds()).isCloseTo(4.5, within(0.05));
        // a 0.5 amplitude sine has RMS 0.5 / sqrt(2): -9.03 dBFS
        assertThat(clip.rmsDbfs()).isCloseTo(20 * Math.log10(0.5 / Math.sqrt(2)), within(0.3));
        Spectrogram expected = new SpectrogramExtractor(SPEC)
                .extract(new AudioSegmentDecoder(SPEC).decode(m4a, 0.0, 4.6)); // ingest's row for the whole file
        // isEqualTo, not containsExactly: the same exact element-by-element check, without AssertJ's quadratic diff
        assertThat(clip.spectrogram().data()).isEqualTo(expected.data());
        assertThat(clip.spectrogram().tiled()).isTrue();
        assertThat(clip.spectrogram().frames()).isEqualTo(598);
    }

    @Test
    void tooShortSilentAndAudiolessFilesAreRefusedWithTheirReason() throws Exception {
        Path shortWav = TestMedia.writeAudio(tmp.resolve("short.wav"), TestMedia.AudioFormat.WAV, 16_000, 1,
                new TestMedia.Tone(440, 1.2));
        assertThatThrownBy(() -> VoiceClip.read(shortWav, SPEC, 3.0, -60))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.TOO_SHORT))
                .hasMessage("The audio of short.wav lasts 1.20 s; a voice needs at least 3.0 s, since the encoder "
                        + "reads 6 s and would otherwise see a fragment repeated.");

        Path silent = TestMedia.writeAudio(tmp.resolve("silent.mp3"), TestMedia.AudioFormat.MP3, 16_000, 1,
                new TestMedia.Tone(0, 4.0)); // a 0 Hz sine from phase 0 is all zeros
        assertThatThrownBy(() -> VoiceClip.read(silent, SPEC, 3.0, -60))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.SILENT_AUDIO))
                .hasMessageContaining("silent.mp3 is silent").hasMessageContaining("-60.0 dBFS");

        Path videoOnly = TestMedia.writeVideoOnly(tmp.resolve("mute.mp4"), 4.0);
        assertThatThrownBy(() -> VoiceClip.read(videoOnly, SPEC, 3.0, -60))
                .isInstanceOfSatisfying(RejectException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.NO_AUDIO_STREAM));
        assertThatThrownBy(() -> VoiceClip.read(tmp.resolve("absent.wav"), SPEC, 3.0, -60))
                .isInstanceOfSatisfying(RejectException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.MISSING_FILE));
    }
}
