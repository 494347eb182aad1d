package org.speech2face.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.speech2face.audio.TestMedia.AudioFormat;
import org.speech2face.audio.TestMedia.Tone;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;

class AudioSegmentDecoderTest {
    private static final int RATE = 16_000;

    @TempDir
    Path dir;

    private final AudioSegmentDecoder decoder = new AudioSegmentDecoder(SpectrogramSpec.PAPER);

    @ParameterizedTest(name = "{0} at {1} Hz, {2} channel(s), {3} Hz tone")
    @CsvSource({
        "WAV, 44100, 2, 1000",
        "M4A, 44100, 2, 440",
        "WAV, 8000, 1, 440",
        "M4A, 8000, 1, 1000",
        "MP3, 8000, 1, 1000",
    })
    void resamplesToSixteenKilohertzMono(AudioFormat format, int rate, int channels, double hz) throws Exception {
        Path file = TestMedia.writeAudio(dir.resolve("tone." + format.name().toLowerCase()), format, rate, channels,
                new Tone(hz, 2.5));

        DecodedAudio audio = decoder.decode(file, 0.0, 2.0);
        assertThat(audio.sampleRate()).isEqualTo(RATE);
        assertThat(audio.samples().length).isCloseTo(2 * RATE, within(1));
        assertThat(audio.segmentDurationS()).isEqualTo(audio.samples().length / (double) RATE);
        float[] middle = Arrays.copyOfRange(audio.samples(), 4000, 28000);
        assertThat(dominantHz(middle)).isCloseTo(hz, within(2.0));
        // Channels are averaged, not summed: a 0.5-amplitude sine on every channel stays at RMS 0.5 / sqrt(2).
        assertThat(rms(middle)).isCloseTo(0.5 / Math.sqrt(2), within(0.02));
        for (float v : audio.samples()) {
            assertThat(v).isBetween(-1.0f, 1.0f);
        }

        // A voice is decoded up to its end. (FFmpegFrameRecorder drops the encoder's last partial frame, so the file
        // is a little shorter than the 2.5 s written.)
        DecodedAudio whole = decoder.decodeUpTo(file, 10.0);
        if (format == AudioFormat.MP3) {
            // An MP3's container duration is a bitrate estimate; only the bounds are certain.
            assertThat(whole.samples().length).isBetween(2 * RATE, (int) (2.5 * RATE));
        } else {
            assertThat(whole.mediaDurationS()).isBetween(2.3, 2.5);
            // Within 5 ms of the container's duration.
            assertThat(whole.samples().length).isCloseTo((int) Math.round(whole.mediaDurationS() * RATE), within(80));
        }
    }

    @ParameterizedTest(name = "{0} at {1} Hz, {2} channel(s)")
    @CsvSource({"WAV, 44100, 2", "WAV, 8000, 1", "M4A, 22050, 1", "MP3, 8000, 1"})
    void cutsTheRequestedSegmentToTheSample(AudioFormat format, int rate, int channels) throws Exception {
        // 300 Hz for 0-1 s, 1200 Hz for 1-3 s, 300 Hz for 3-4.5 s.
        Path file = TestMedia.writeAudio(dir.resolve("tones." + format.name().toLowerCase()), format, rate, channels,
                new Tone(300, 1.0), new Tone(1200, 2.0), new Tone(300, 1.5));

        DecodedAudio high = decoder.decode(file, 1.5, 2.5);
        assertThat(high.samples()).hasSize(RATE);
        assertThat(dominantHz(high.samples())).isCloseTo(1200, within(2.0));

        DecodedAudio low = decoder.decode(file, 3.2, 4.2);
        assertThat(low.samples()).hasSize(RATE);
        assertThat(dominantHz(low.samples())).isCloseTo(300, within(2.0));

        // The tone changes land where they should, to within 5 ms: from the start (no seek; codec start padding
        // trimmed) and after a seek.
        assertThat(changeSample(decoder.decode(file, 0.0, 2.0).samples(), 300, 1200)).isCloseTo(RATE, within(80));
        assertThat(changeSample(decoder.decode(file, 2.5, 3.5).samples(), 1200, 300)).isCloseTo(RATE / 2, within(80));
    }

    @Test
    void aSegmentLongerThanTheSpectrogramIsDecodedOnlyAsFarAsItReads() throws Exception {
        // 20 s of 700 Hz: a 17 s segment of it decodes its first 6 s (what the encoder reads) and says it is 17 s.
        Path file = TestMedia.writeAudio(dir.resolve("long.wav"), AudioFormat.WAV, 8000, 1, new Tone(700, 20.0));
        DecodedAudio audio = decoder.decode(file, 1.0, 18.0);
        assertThat(audio.samples()).hasSize(SpectrogramSpec.PAPER.segmentSamples());
        assertThat(audio.segmentDurationS()).isEqualTo(17.0);
        assertThat(audio.mediaDurationS()).isEqualTo(20.0);
        assertThat(decoder.decode(file, 1.0, 5.0).samples()).hasSize(4 * RATE);
        // A voice: as much as a segment, from the start.
        assertThat(decoder.decodeUpTo(file, 1e6).samples()).hasSize(SpectrogramSpec.PAPER.segmentSamples());
    }

    @Test
    void aSegmentEndingPastTheMediaIsOutOfRangeBeyondTheSlack() throws Exception {
        Path file = TestMedia.writeAudio(dir.resolve("ten.wav"), AudioFormat.WAV, 8000, 1, new Tone(700, 10.0));
        assertReject(file, 1.0, 1e6, RejectReason.SEGMENT_OUT_OF_RANGE, "Segment 1.000-1000000.000 s ends",
                "after the end of the audio of ten.wav (10.000 s); only 9.000 s of it is there.");
        assertReject(file, 8.0, 10.3, RejectReason.SEGMENT_OUT_OF_RANGE, "ends 0.300 s after the end");
        // Within MediaFile.END_SLACK_S: taken, up to the end.
        assertThat(decoder.decode(file, 8.0, 10.2).samples().length).isBetween(2 * RATE - 48, 2 * RATE);
    }

    @Test
    void aWavCutShortIsTruncated() throws Exception {
        // A WAV's RIFF header gives its length; FFmpeg itself trusts the file's size instead.
        Path whole = TestMedia.writeAudio(dir.resolve("whole.wav"), AudioFormat.WAV, 16_000, 1, new Tone(440, 10.0));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.wav"), Arrays.copyOf(bytes, (int) (bytes.length * 0.4)));
        assertReject(cut, 0.0, 2.0, RejectReason.TRUNCATED, "cut.wav is truncated: its 'RIFF' chunk declares");
    }

    @Test
    void audioThatStopsWellBeforeItsStatedEndIsTruncated() throws Exception {
        // A Matroska file whose segment does not declare its length (as live recorders leave it) but whose header
        // says 10 s, cut at 40%: only decoding finds the audio stopping at about 4 s.
        Path whole = TestMedia.writeVideoWithAudio(dir.resolve("whole.mkv"), "matroska", 16_000, new Tone(440, 10.0));
        byte[] bytes = TestMedia.withUnknownSegmentLength(Files.readAllBytes(whole));
        Path cut = Files.write(dir.resolve("cut.mkv"), Arrays.copyOf(bytes, (int) (bytes.length * 0.4)));
        assertReject(cut, 0.0, 6.0, RejectReason.TRUNCATED, "cut.mkv is truncated: its audio stops at ",
                "although its container says it runs to ");
        assertThatThrownBy(() -> decoder.decodeUpTo(cut, 6.0)).isInstanceOfSatisfying(RejectException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.TRUNCATED));
        // What survived is still there to be read.
        assertThat(decoder.decode(cut, 1.0, 3.0).samples()).hasSize(2 * RATE);
    }

    @Test
    void aSeekThatLandsLateFallsBackToDecodingFromTheStart() throws Exception {
        // At 1 kHz, FFmpeg's wav packets hold 2.048 s; JavaCV's frame stepping estimates them at the output rate
        // (0.128 s) and steps past a 3.5 s start even though the decoder aims a second early.
        Path file = TestMedia.writeAudio(dir.resolve("lofi.wav"), AudioFormat.WAV, 1000, 1, new Tone(100, 4.0),
                new Tone(300, 4.0));
        DecodedAudio audio = decoder.decode(file, 3.5, 4.5);
        assertThat(audio.samples()).hasSize(RATE);
        assertThat(changeSample(audio.samples(), 100, 300)).isCloseTo(RATE / 2, within(80));
    }

    @Test
    void decodesTheAudioOfAVideo() throws Exception {
        Path file = TestMedia.writeVideoWithAudio(dir.resolve("talk.mp4"), 44_100, new Tone(500, 1.5),
                new Tone(2000, 1.5));
        DecodedAudio audio = decoder.decode(file, 2.0, 2.8);
        assertThat(audio.samples()).hasSize(12_800);
        assertThat(dominantHz(audio.samples())).isCloseTo(2000, within(5.0));
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("AbCdEfGhIjK.mp4");
        assertReject(file, 0.0, 3.0, RejectReason.MISSING_FILE, file.toString());
    }

    @Test
    void garbageBytesAreACorruptFile() throws IOException {
        byte[] garbage = new byte[64 * 1024];
        new Random(42).nextBytes(garbage);
        Path file = Files.write(dir.resolve("garbage.mp4"), garbage);
        assertReject(file, 0.0, 3.0, RejectReason.CORRUPT_FILE, "FFmpeg cannot read garbage.mp4 (65536 bytes) as "
                + "media", "the file is damaged.");
    }

    @Test
    void anMp4CutBeforeItsIndexIsTruncated() throws IOException {
        Path whole = TestMedia.writeVideoWithAudio(dir.resolve("whole.mp4"), 44_100, new Tone(440, 3.0));
        byte[] bytes = Files.readAllBytes(whole);
        // The premise: the index (moov) comes after the media data (mdat), so the first 40% lacks it.
        int mdat = indexOf(bytes, "mdat");
        int moov = indexOf(bytes, "moov");
        assertThat(mdat).isPositive();
        assertThat(moov).isGreaterThan(mdat).isGreaterThan((int) (bytes.length * 0.4));
        Path file = Files.write(dir.resolve("truncated.mp4"), Arrays.copyOf(bytes, (int) (bytes.length * 0.4)));
        assertReject(file, 0.0, 3.0, RejectReason.TRUNCATED, "truncated.mp4 is truncated: its 'mdat' box declares");
    }

    @Test
    void videoWithoutAudio() throws IOException {
        Path file = TestMedia.writeVideoOnly(dir.resolve("silent-film.mp4"), 1.0);
        assertReject(file, 0.0, 1.0, RejectReason.NO_AUDIO_STREAM, "silent-film.mp4 has no audio stream.");
    }

    @Test
    void segmentStartingAfterTheEnd() throws IOException {
        Path file = TestMedia.writeAudio(dir.resolve("short.wav"), AudioFormat.WAV, 16_000, 1, new Tone(440, 2.0));
        assertReject(file, 12.0, 15.0, RejectReason.SEGMENT_OUT_OF_RANGE, "12.000-15.000 s", "2.000 s", "short.wav");
        assertReject(file, 2.0, 3.0, RejectReason.SEGMENT_OUT_OF_RANGE, "2.000-3.000 s");
    }

    @Test
    void segmentAfterTheAudioButBeforeTheEndOfTheVideo() throws IOException {
        Path file = TestMedia.writeVideoWithAudio(dir.resolve("long-video.mp4"), 44_100, 2.0, new Tone(440, 1.0));
        assertReject(file, 2.0, 2.8, RejectReason.SEGMENT_OUT_OF_RANGE, "Segment 2.000-2.800 s starts at or after the "
                + "end of the audio of long-video.mp4 (0.99");
    }

    @Test
    void timesThatAreNotASegmentAreAProgrammingError() throws IOException {
        Path file = TestMedia.writeAudio(dir.resolve("a.wav"), AudioFormat.WAV, 16_000, 1, new Tone(440, 1.0));
        assertThatThrownBy(() -> decoder.decode(file, 1.0, 0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.0-0.5 s");
        assertThatThrownBy(() -> decoder.decode(file, -1.0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decoder.decode(file, Double.NaN, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertReject(Path file, double start, double end, RejectReason reason, String... messageParts) {
        assertThatThrownBy(() -> decoder.decode(file, start, end))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContainingAll(messageParts);
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The strongest frequency between 50 Hz and 4 kHz, to 0.5 Hz, from the DFT of the Hann-windowed signal. */
    static double dominantHz(float[] x) {
        double coarse = argmaxHz(x, 50, 4000, 5);
        return argmaxHz(x, coarse - 5, coarse + 5, 0.5);
    }

    private static double argmaxHz(float[] x, double fromHz, double toHz, double stepHz) {
        double best = -1;
        double bestHz = fromHz;
        for (double hz = fromHz; hz <= toHz; hz += stepHz) {
            double power = power(x, 0, x.length, hz);
            if (power > best) {
                best = power;
                bestHz = hz;
            }
        }
        return bestHz;
    }

    /** |sum w[n] x[n] exp(-i 2 pi hz n / RATE)|^2 with a Hann window w, by phasor rotation. */
    private static double power(float[] x, int from, int length, double hz) {
        double step = 2 * Math.PI * hz / RATE;
        double rotRe = Math.cos(step);
        double rotIm = -Math.sin(step);
        double winStep = 2 * Math.PI / length;
        double wRe = Math.cos(winStep);
        double wIm = Math.sin(winStep);
        double pRe = 1;
        double pIm = 0;
        double cRe = 1;     // cos(2 pi n / length), for the window
        double cIm = 0;
        double re = 0;
        double im = 0;
        for (int n = 0; n < length; n++) {
            double v = (0.5 - 0.5 * cRe) * x[from + n];
            re += v * pRe;
            im += v * pIm;
            double t = pRe * rotRe - pIm * rotIm;
            pIm = pRe * rotIm + pIm * rotRe;
            pRe = t;
            t = cRe * wRe - cIm * wIm;
            cIm = cRe * wIm + cIm * wRe;
            cRe = t;
        }
        return re * re + im * im;
    }

    /** First sample of the first 5 ms block where {@code toHz} carries more power than {@code fromHz}. */
    private static int changeSample(float[] x, double fromHz, double toHz) {
        int block = 80;
        for (int b = 0; b + block <= x.length; b += block) {
            if (power(x, b, block, toHz) > power(x, b, block, fromHz)) {
                return b;
            }
        }
        return -1;
    }

    private static double rms(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * v;
        }
        return Math.sqrt(s / x.length);
    }
}
