package org.speech2face.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;

class SegmentFrameSamplerTest {
    private static final double FPS = 10;
    private static final int FRAMES = 40; // 4 s, a keyframe every second
    private static final int BAR = 4;

    @TempDir
    static Path dir;
    private static Path counting;

    /** Frame i is black with a white bar at columns [4 i, 4 i + 4), so each decoded frame says which it is. */
    @BeforeAll
    static void writeCountingVideo() {
        counting = FaceFixtures.video(dir.resolve("counting.mp4"), 160, 120, FPS, FRAMES, SegmentFrameSamplerTest::bar,
                true);
    }

    static Mat bar(int i) {
        Mat m = new Mat(120, 160, opencv_core.CV_8UC3, Scalar.all(0));
        try (Mat column = new Mat(m, new Rect(BAR * i, 0, BAR, 120))) {
            column.put(Scalar.all(255));
        }
        return m;
    }

    /** Which frame the pixels show: where the bar is. */
    static int frameIndex(Mat bgr) {
        int best = -1;
        double brightest = -1;
        for (int i = 0; i < bgr.cols() / BAR; i++) {
            try (Mat column = new Mat(bgr, new Rect(BAR * i, 0, BAR, bgr.rows()))) {
                double level = opencv_core.mean(column).get(0);
                if (level > brightest) {
                    brightest = level;
                    best = i;
                }
            }
        }
        return best;
    }

    @Test
    void samplesTheMidpointsOfEqualSlicesWithinAFramePeriod() throws Exception {
        assertSampledAt(0.5, 2.5, 3);
        assertSampledAt(0.0, 4.0, 5);
        assertSampledAt(1.05, 1.35, 3);  // all inside one GOP: decoded onward, no seeking back
        assertSampledAt(0.2, 3.9, 7);
    }

    @Test
    void eachFrameIsItsOwnCopyNotTheGrabbersReusedBuffer() throws Exception {
        List<SampledFrame> frames = new SegmentFrameSampler(3).sample(counting, 0.0, 3.0);
        try {
            assertThat(frames).extracting(f -> frameIndex(f.bgr())).containsExactly(5, 15, 25);
        } finally {
            frames.forEach(SampledFrame::close);
        }
    }

    @Test
    void clampsASegmentEndWithinTheSlackPastTheMediaEnd() throws Exception {
        List<SampledFrame> frames = new SegmentFrameSampler(3).sample(counting, 3.0, 4.2);
        try {
            // The slices of [3.0, 4.0] have midpoints 3.17, 3.5 and 3.83 s.
            assertThat(frames).extracting(SampledFrame::timeS)
                    .satisfiesExactly(t -> assertThat(t).isCloseTo(3.17, within(0.1)),
                            t -> assertThat(t).isCloseTo(3.5, within(0.1)),
                            t -> assertThat(t).isCloseTo(3.83, within(0.1)));
            assertThat(frames.get(0).width()).isEqualTo(160);
            assertThat(frames.get(0).height()).isEqualTo(120);
        } finally {
            frames.forEach(SampledFrame::close);
        }
    }

    @Test
    void decodeAllFramesCountsEveryFrameOfTheSegment() throws Exception {
        assertThat(SegmentFrameSampler.decodeAllFrames(counting, 0.0, 4.0)).isEqualTo(FRAMES);
        // Frames at 0.5, 0.6, ..., 2.5 s.
        assertThat(SegmentFrameSampler.decodeAllFrames(counting, 0.5, 2.5)).isEqualTo(21);
        assertThat(SegmentFrameSampler.decodeAllFrames(counting, 3.5, 4.2)).isEqualTo(5);
    }

    @Test
    void aMissingFileIsMissingFile() {
        Path nowhere = dir.resolve("nowhere.mp4");
        assertRejected(nowhere, 0, 1, RejectReason.MISSING_FILE, "nowhere.mp4");
    }

    @Test
    void garbageBytesAreACorruptFile() throws IOException {
        byte[] noise = new byte[50_000];
        new Random(7).nextBytes(noise);
        Path garbage = Files.write(dir.resolve("garbage.mp4"), noise);
        assertRejected(garbage, 0, 1, RejectReason.CORRUPT_FILE, "garbage.mp4");
    }

    @Test
    void anMp4CutBeforeItsIndexIsTruncated() throws IOException {
        // FFmpegFrameRecorder writes the index (moov) at the end: keeping the first half loses it.
        byte[] whole = Files.readAllBytes(counting);
        Path truncated = Files.write(dir.resolve("truncated.mp4"), Arrays.copyOf(whole, whole.length / 2));
        assertRejected(truncated, 0, 1, RejectReason.TRUNCATED, "truncated.mp4 is truncated: its 'mdat' box");
    }

    @Test
    void anMp4WhoseFramesAreCutOffIsTruncated() throws IOException {
        // Index first (faststart), then only a sliver of the frame data: it opens, but nothing decodes.
        Path whole = FaceFixtures.video(dir.resolve("faststart.mp4"), 160, 120, FPS, FRAMES,
                SegmentFrameSamplerTest::bar, false, "faststart");
        byte[] bytes = Files.readAllBytes(whole);
        int moovEnd = indexOf(bytes, "mdat") + 64;
        Path cut = Files.write(dir.resolve("frames-cut.mp4"), Arrays.copyOf(bytes, moovEnd));
        assertRejected(cut, 2.0, 3.0, RejectReason.TRUNCATED, "frames-cut.mp4 is truncated: its 'mdat' box");
    }

    @Test
    void videoThatStopsWellBeforeItsStatedEndIsTruncated() throws IOException {
        // A Matroska file whose segment does not declare its length (as live recorders leave it) but whose header
        // says 4 s, cut at 40%: it opens, and only decoding finds the frames running out.
        Path mkv = FaceFixtures.video(dir.resolve("counting.mkv"), 160, 120, FPS, FRAMES, SegmentFrameSamplerTest::bar,
                false, null, "matroska");
        byte[] bytes = org.speech2face.audio.TestMedia.withUnknownSegmentLength(Files.readAllBytes(mkv));
        Path cut = Files.write(dir.resolve("cut.mkv"), Arrays.copyOf(bytes, bytes.length * 4 / 10));
        assertThatThrownBy(() -> new SegmentFrameSampler(3).sample(cut, 0.0, 4.0))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.TRUNCATED))
                .hasMessageContaining("cut.mkv is truncated: its video stops at")
                .hasMessageContaining("although its container says it runs to 4.0");
    }

    @Test
    void anAudioOnlyFileHasNoVideoStream() {
        Path audio = FaceFixtures.audioOnly(dir.resolve("speech.mp4"), 2.0);
        assertRejected(audio, 0, 1, RejectReason.NO_VIDEO_STREAM, "speech.mp4");
    }

    @Test
    void aSegmentNotInsideTheVideoIsOutOfRange() {
        assertRejected(counting, 4.0, 6.0, RejectReason.SEGMENT_OUT_OF_RANGE, "counting.mp4 (4.000 s)");
        assertRejected(counting, 12.0, 15.0, RejectReason.SEGMENT_OUT_OF_RANGE,
                "Segment 12.000-15.000 s starts at or after the end of the video of counting.mp4");
        assertRejected(counting, 3.0, 60.0, RejectReason.SEGMENT_OUT_OF_RANGE,
                "Segment 3.000-60.000 s ends 56.000 s after the end of the video of counting.mp4 (4.000 s)");
    }

    @Test
    void anEmptyOrBackwardSegmentIsAProgrammingError() {
        SegmentFrameSampler sampler = new SegmentFrameSampler(3);
        assertThatThrownBy(() -> sampler.sample(counting, 2.0, 2.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2.0-2.0");
        assertThatThrownBy(() -> sampler.sample(counting, Double.NaN, 2.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    private static void assertSampledAt(double start, double end, int n) throws Exception {
        double[] targets = SegmentFrameSampler.sampleTimes(start, end, n);
        List<SampledFrame> frames = new SegmentFrameSampler(n).sample(counting, start, end);
        try {
            assertThat(frames).hasSize(n);
            for (int i = 0; i < n; i++) {
                SampledFrame f = frames.get(i);
                assertThat(f.timeS()).as("frame %d of [%s, %s]", i, start, end)
                        .isCloseTo(targets[i], within(1 / FPS));
                // The pixels are those of the frame the timestamp names.
                assertThat(frameIndex(f.bgr())).as("frame index from pixels").isEqualTo((int) Math.round(f.timeS() * FPS));
            }
        } finally {
            frames.forEach(SampledFrame::close);
        }
    }

    private static void assertRejected(Path file, double start, double end, RejectReason reason, String inMessage) {
        assertThatThrownBy(() -> new SegmentFrameSampler(3).sample(file, start, end))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(inMessage);
        assertThatThrownBy(() -> SegmentFrameSampler.decodeAllFrames(file, start, end))
                .isInstanceOfSatisfying(RejectException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(inMessage);
    }

    private static int indexOf(byte[] bytes, String tag) {
        byte[] t = tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + t.length <= bytes.length; i++) {
            for (int j = 0; j < t.length; j++) {
                if (bytes[i + j] != t[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("No '" + tag + "' box in the file.");
    }
}
