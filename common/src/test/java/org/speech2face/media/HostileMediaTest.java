package org.speech2face.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.speech2face.audio.AudioSegmentDecoder;
import org.speech2face.audio.DecodedAudio;
import org.speech2face.audio.SpectrogramSpec;
import org.speech2face.contracts.RejectReason;
import org.speech2face.data.RejectException;
import org.speech2face.video.FaceCrop;
import org.speech2face.video.FaceCropSpec;
import org.speech2face.video.FaceIngestor;
import org.speech2face.video.HaarFaceDetector;
import org.speech2face.video.SampledFrame;
import org.speech2face.video.SegmentFrameSampler;
import org.speech2face.video.SegmentFrames;

/**
 * Both decoders on the shipped hostile-input corpus ({@code samples/hostile-inputs}, made by its make-corpus.sh
 * from a 160x120 clip of a centred face): each kind of file users really feed ingest ends in the same specific
 * reject, with a sentence that names the file and what is wrong with it, in the face and in the audio decoder.
 */
class HostileMediaTest {
    static final Path CORPUS = Path.of("../samples/hostile-inputs/videos").toAbsolutePath().normalize();

    private final FaceIngestor faces = new FaceIngestor(FaceCropSpec.DEFAULT);
    private final AudioSegmentDecoder audio = new AudioSegmentDecoder(SpectrogramSpec.PAPER);

    @ParameterizedTest(name = "{0}: turned {1} degrees clockwise by players")
    @CsvSource({"phoneRot090.mp4, 90", "phoneRot180.mp4, 180", "phoneRot270.mp4, 270", "tagRotat090.mkv, 90",
            "tagRotat270.mkv, 270"})
    void aPhoneVideoIsTurnedUprightAsPlayersShowItAndItsFaceFound(String name, int degrees) throws Exception {
        Path video = CORPUS.resolve(name);
        try (FFmpegFrameGrabber g = MediaFile.open(video, x -> { })) {
            assertThat(MediaFile.rotationDegrees(g)).isEqualTo(degrees);
        }
        try (SegmentFrames segment = new SegmentFrameSampler(1).open(video, 0.0, 2.5);
             SampledFrame frame = segment.next()) {
            // The source clip is 160x120 landscape; the file stores it turned, players show it as it was.
            assertThat(List.of(frame.width(), frame.height(), segment.width(), segment.height()))
                    .containsExactly(160, 120, 160, 120);
            // The premise: the pixels as stored hold no face the frontal cascade finds, so without the turn the
            // row would be no_face.
            try (Mat stored = new Mat()) {
                opencv_core.rotate(frame.bgr(), stored, degrees == 90 ? opencv_core.ROTATE_90_COUNTERCLOCKWISE
                        : degrees == 180 ? opencv_core.ROTATE_180 : opencv_core.ROTATE_90_CLOCKWISE);
                assertThat(new HaarFaceDetector(FaceCropSpec.DEFAULT).detect(stored)).as("faces in the stored pixels")
                        .isEmpty();
                assertThat(new HaarFaceDetector(FaceCropSpec.DEFAULT).detect(frame.bgr())).as("faces upright")
                        .hasSize(1);
            }
        }
        FaceCrop crop = faces.ingest(video, 0.0, 2.5, 0.5, 0.5);
        assertThat(crop.sourceW()).isEqualTo(160);
        assertThat(crop.sourceH()).isEqualTo(120);
        assertThat((crop.bboxX() + crop.bboxW() / 2.0) / 160).isCloseTo(0.5, within(0.1));
        assertThat((crop.bboxY() + crop.bboxH() / 2.0) / 120).isCloseTo(0.45, within(0.15));
        assertThat(audio.decode(video, 0.0, 2.5).samples().length).isCloseTo(40_000, within(800));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"truncMp4Cut.mp4, 'its ''mdat'' box declares'", "truncWebm01.webm, its Matroska segment declares"})
    void aTruncatedDownloadIsTruncatedInBothStagesNotATiledShortClip(String name, String why) {
        Path video = CORPUS.resolve(name);
        // A segment inside what survived, and one running into what is gone: both, as the file is cut.
        for (double[] segment : new double[][]{{0.0, 2.0}, {0.0, 6.0}}) {
            assertReject(() -> faces.ingest(video, segment[0], segment[1], 0.5, 0.5), RejectReason.TRUNCATED,
                    name + " is truncated: " + why, "but the file ends at byte", "The download was cut short.");
            assertReject(() -> audio.decode(video, segment[0], segment[1]), RejectReason.TRUNCATED,
                    name + " is truncated: " + why);
        }
    }

    @Test
    void theTruncationSentenceNamesTheBoxAndWhereTheFileEnds() {
        assertReject(() -> audio.decode(CORPUS.resolve("truncMp4Cut.mp4"), 0.0, 2.0), RejectReason.TRUNCATED,
                "truncMp4Cut.mp4 is truncated: its 'mdat' box declares 91052 bytes from byte 7974, but the file ends "
                        + "at byte 44561, 45% of the way. The download was cut short.");
    }

    @Test
    void aOnePixelVideoIsFrameTooSmallForFacesWhileItsSpeechIsStillAudio() throws Exception {
        Path video = CORPUS.resolve("onePixel001.webm");
        assertReject(() -> faces.ingest(video, 0.0, 2.5, 0.5, 0.5), RejectReason.FRAME_TOO_SMALL,
                "onePixel001.webm has 1x1 frames; a face needs at least 24x24 pixels");
        assertThat(audio.decode(video, 0.0, 2.5).samples().length).isCloseTo(40_000, within(800));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "pngNotVideo.mp4, 'pngNotVideo.mp4 is a PNG image, not a video or a recording.'",
        "hlsPlaylist.mp4, 'hlsPlaylist.mp4 is an HLS playlist (M3U8), a list of other files to read (it starts with \"#EXTM3U #EXT-X-TARGETDURATION:3 #EXTINF:...\"), not a video or a recording.'",
        "htmlNotVid1.mp4, 'htmlNotVid1.mp4 is an HTML page (it starts with \"<!DOCTYPE html> <html><head><title>429 T...\"), not a video or a recording.'",
        "emptyFile01.mp4, 'emptyFile01.mp4 is an empty file (0 bytes), not a video or a recording.'"})
    void aFileThatIsNotMediaSaysWhatItIs(String name, String message) {
        Path file = CORPUS.resolve(name);
        assertReject(() -> faces.ingest(file, 0.0, 2.5, 0.5, 0.5), RejectReason.NOT_MEDIA, message);
        assertReject(() -> audio.decode(file, 0.0, 2.5), RejectReason.NOT_MEDIA, message);
    }

    @Test
    void aPlaylistUnderAVideosNameIsRefusedBeforeFfmpegCanOpenTheFileItLists(@TempDir Path box) throws Exception {
        Path videos = Files.createDirectories(box.resolve("inputs/videos"));
        Path playlist = Files.copy(CORPUS.resolve("hlsPlaylist.mp4"), videos.resolve("hlsPlaylist.mp4"));
        Files.copy(CORPUS.resolve("goodClip001.mp4"), Files.createDirectories(box.resolve("outside"))
                .resolve("secret.mp4"));
        // The premise: FFmpeg alone opens the playlist as HLS and decodes the clip outside the videos folder.
        try (FFmpegFrameGrabber plain = new FFmpegFrameGrabber(playlist.toFile())) {
            plain.start();
            assertThat(plain.getFormat()).isEqualTo("hls");
            assertThat(plain.grabImage()).isNotNull();
        }
        assertReject(() -> faces.ingest(playlist, 0.0, 2.5, 0.5, 0.5), RejectReason.NOT_MEDIA,
                "hlsPlaylist.mp4 is an HLS playlist (M3U8), a list of other files to read");
        assertReject(() -> audio.decode(playlist, 0.0, 2.5), RejectReason.NOT_MEDIA, "is an HLS playlist");
    }

    @Test
    void aSegmentPartlyPastTheEndIsOutOfRangeUnlessItEndsWithinTheSlack() throws Exception {
        Path clip = CORPUS.resolve("goodClip001.mp4"); // video 2.52 s, audio 2.50 s
        assertReject(() -> faces.ingest(clip, 1.0, 4.0, 0.5, 0.5), RejectReason.SEGMENT_OUT_OF_RANGE,
                "Segment 1.000-4.000 s ends 1.480 s after the end of the video of goodClip001.mp4 (2.520 s); only "
                        + "1.520 s of it is there.");
        assertReject(() -> audio.decode(clip, 1.0, 4.0), RejectReason.SEGMENT_OUT_OF_RANGE,
                "Segment 1.000-4.000 s ends 1.500 s after the end of the audio of goodClip001.mp4 (2.500 s)");
        // 2.6 s is within END_SLACK_S of both streams' ends: a frame or two of rounding, taken whole.
        assertThat(faces.ingest(clip, 1.5, 2.6, 0.5, 0.5).frameTimeS()).isBetween(1.5, 2.52);
        DecodedAudio a = audio.decode(clip, 1.5, 2.6);
        assertThat(a.samples().length).as("up to the audio's end, 1.0 s on and a little over (AAC's last frame)")
                .isBetween(16_000, 17_600);
    }

    private static void assertReject(ThrowingCall call, RejectReason reason, String... messageParts) {
        RejectException e = catchThrowableOfType(call::run, RejectException.class);
        assertThat(e).as("a reject").isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(e.getMessage()).contains(messageParts);
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void theCorpusIsWhereTheTestExpectsIt() {
        assertThatThrownBy(() -> MediaFile.open(CORPUS.resolve("no-such-file.mp4"), g -> { }))
                .isInstanceOfSatisfying(RejectException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.MISSING_FILE));
        assertThat(CORPUS.resolve("goodClip001.mp4")).isRegularFile();
    }
}
