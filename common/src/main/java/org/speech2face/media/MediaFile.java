package org.speech2face.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.speech2face.contracts.RejectReason;
import org.speech2face.data.RejectException;

/**
 * Opening a local media file with FFmpeg for the audio and the video decoders alike, so both stages judge a file the
 * same way: a missing, empty, truncated or non-media file, or a segment the file does not hold, is the same reject
 * with the same sentence in ingest-faces and in ingest-audio. Also what the container says about a stream's end and
 * how a player turns the picture.
 */
public final class MediaFile {
    /**
     * How far a segment may end after its stream does and still be taken whole: AVSpeech's times and a download's
     * length disagree by a frame or two (a frame is 33-42 ms), and a stream's stated length is rounded. A segment
     * ending later is {@code segment_out_of_range}.
     */
    public static final double END_SLACK_S = 0.25;

    /**
     * How much earlier than its stated end a stream may stop decoding before the file counts as truncated: an audio
     * codec's last frame and padding and the resampler's unflushed tail cost up to about 0.1 s.
     */
    public static final double TRUNCATION_SLACK_S = 0.5;

    private MediaFile() {
    }

    /**
     * A started grabber on {@code file}, configured by {@code settings} before it opens. The caller closes it.
     *
     * @throws RejectException MISSING_FILE, NOT_MEDIA (empty, an image, a web page, a playlist, any text: judged from
     *                         the first bytes before FFmpeg sees the file, and images FFmpeg recognises),
     *                         TRUNCATED (the container's declared length runs past the end of the file) or
     *                         CORRUPT_FILE (FFmpeg cannot read it and it is nothing recognisable)
     */
    public static FFmpegFrameGrabber open(Path file, Consumer<FFmpegFrameGrabber> settings) throws RejectException {
        String name = String.valueOf(file.getFileName());
        if (!Files.isRegularFile(file)) {
            throw new RejectException(RejectReason.MISSING_FILE, "No media file at " + file + ".");
        }
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            throw new RejectException(RejectReason.MISSING_FILE, "Cannot read the size of " + file + ": " + e + ".", e);
        }
        Optional<String> kind = FileKind.describe(file);
        if (kind.isPresent()) {
            throw notMedia(name, kind.get(), FileKind.quote(file));
        }
        Optional<String> shortfall = DeclaredLength.shortfall(file);
        if (shortfall.isPresent()) {
            throw new RejectException(RejectReason.TRUNCATED, name + " is truncated: " + shortfall.get()
                    + ". The download was cut short.");
        }
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        // Local files only: no demuxer may reach for the network, whatever the file says.
        grabber.setOption("protocol_whitelist", "file");
        settings.accept(grabber);
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new RejectException(RejectReason.CORRUPT_FILE, "FFmpeg cannot read " + name + " (" + bytes
                    + " bytes) as media: " + e.getMessage() + "; the file is damaged.", e);
        }
        String format = grabber.getFormat();
        if (format != null && (format.endsWith("_pipe") || format.equals("image2"))) {
            closeQuietly(grabber);
            throw notMedia(name, "an image (FFmpeg reads it with its " + format + " image reader)", "");
        }
        return grabber;
    }

    private static RejectException notMedia(String name, String kind, String quote) {
        return new RejectException(RejectReason.NOT_MEDIA, name + " is " + kind + quote
                + ", not a video or a recording.");
    }

    /**
     * The container's duration in seconds, or NaN when it does not say or only guesses it from the bitrate (MP3,
     * raw AAC), as then it is no evidence of a truncation or of a segment out of range.
     */
    public static double durationS(FFmpegFrameGrabber grabber) {
        AVFormatContext oc = grabber.getFormatContext();
        long d = oc.duration();
        if (d == AV_NOPTS_VALUE || d <= 0 || oc.duration_estimation_method() == avformat.AVFMT_DURATION_FROM_BITRATE) {
            return Double.NaN;
        }
        return d / (double) avutil.AV_TIME_BASE;
    }

    /**
     * Where the first stream of {@code mediaType} ({@code AVMEDIA_TYPE_AUDIO} or {@code _VIDEO}) ends, in seconds
     * from the start of the media: its own stated end when its container keeps one per stream (MP4), else the
     * container's duration; NaN when neither is known.
     */
    public static double streamEndS(FFmpegFrameGrabber grabber, int mediaType) {
        double container = durationS(grabber);
        AVStream st = firstStream(grabber, mediaType);
        if (st == null || Double.isNaN(container) || st.duration() == AV_NOPTS_VALUE || st.duration() <= 0) {
            return container;
        }
        AVFormatContext oc = grabber.getFormatContext();
        long origin = oc.start_time() == AV_NOPTS_VALUE ? 0 : oc.start_time();
        double tb = st.time_base().num() / (double) st.time_base().den();
        double start = st.start_time() == AV_NOPTS_VALUE ? origin / (double) avutil.AV_TIME_BASE
                : st.start_time() * tb;
        double end = start + st.duration() * tb - origin / (double) avutil.AV_TIME_BASE;
        return Math.min(end, container);
    }

    /**
     * The clockwise turn, 0, 90, 180 or 270 degrees, that a player gives the picture: from the display matrix
     * (what phones write), else from a {@code rotate} tag (what older FFmpeg remuxes leave). Mirroring is ignored,
     * and an angle more than a degree from a quarter turn counts as none, as FFmpeg's own players do.
     */
    public static int rotationDegrees(FFmpegFrameGrabber grabber) {
        AVStream st = firstStream(grabber, avutil.AVMEDIA_TYPE_VIDEO);
        if (st == null) {
            return 0;
        }
        double clockwise = Double.NaN;
        try (SizeTPointer size = new SizeTPointer(1)) {
            BytePointer matrix = avformat.av_stream_get_side_data(st, avcodec.AV_PKT_DATA_DISPLAYMATRIX, size);
            if (matrix != null && !matrix.isNull() && size.get() >= 9 * Integer.BYTES) {
                clockwise = -avutil.av_display_rotation_get(new IntPointer(matrix));
            }
        }
        if (Double.isNaN(clockwise)) {
            String tag = grabber.getVideoMetadata("rotate");
            if (tag != null) {
                try {
                    clockwise = Double.parseDouble(tag.strip());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        if (!Double.isFinite(clockwise)) {
            return 0;
        }
        double turned = ((clockwise % 360) + 360) % 360;
        long quarter = Math.round(turned / 90);
        return Math.abs(turned - 90 * quarter) <= 1.0 ? (int) (quarter % 4) * 90 : 0;
    }

    /**
     * Checks that the segment [startS, endS] lies in a stream that ends at {@code streamEndS} (NaN: unknown, no
     * check), within {@link #END_SLACK_S}.
     *
     * @param what the stream's name in the sentence, e.g. "the audio of"
     * @throws RejectException SEGMENT_OUT_OF_RANGE
     */
    public static void checkSegment(Path file, double startS, double endS, double streamEndS, String what)
            throws RejectException {
        if (Double.isNaN(streamEndS)) {
            return;
        }
        String name = String.valueOf(file.getFileName());
        if (startS >= streamEndS) {
            throw new RejectException(RejectReason.SEGMENT_OUT_OF_RANGE, String.format(Locale.ROOT,
                    "Segment %.3f-%.3f s starts at or after the end of %s %s (%.3f s).", startS, endS, what, name,
                    streamEndS));
        }
        if (endS > streamEndS + END_SLACK_S) {
            throw new RejectException(RejectReason.SEGMENT_OUT_OF_RANGE, String.format(Locale.ROOT,
                    "Segment %.3f-%.3f s ends %.3f s after the end of %s %s (%.3f s); only %.3f s of it is there.",
                    startS, endS, endS - streamEndS, what, name, streamEndS, streamEndS - startS));
        }
    }

    /**
     * The reject for a stream that stopped decoding at {@code decodedToS}, well before its stated end.
     *
     * @param what the stream, as the subject of the sentence: "its audio", "its video"
     */
    public static RejectException truncated(Path file, String what, double decodedToS, double statedEndS) {
        return new RejectException(RejectReason.TRUNCATED, String.format(Locale.ROOT,
                "%s is truncated: %s stops at %.3f s, although its container says it runs to %.3f s. The "
                        + "download was cut short.", file.getFileName(), what, decodedToS, statedEndS));
    }

    /** The first stream of a media type, which is the one JavaCV decodes. */
    public static AVStream firstStream(FFmpegFrameGrabber grabber, int mediaType) {
        AVFormatContext oc = grabber.getFormatContext();
        for (int i = 0; i < oc.nb_streams(); i++) {
            if (oc.streams(i).codecpar().codec_type() == mediaType) {
                return oc.streams(i);
            }
        }
        return null;
    }

    public static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException ignored) {
            // nothing more can be done about a grabber that fails to close
        }
    }
}
