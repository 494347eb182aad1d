package org.speech2face.video;

import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;
import org.speech2face.media.MediaFile;

/**
 * Opens a local video and samples frames evenly spread inside an AVSpeech segment of it.
 *
 * <p>Sampling decodes as little as possible (see {@link SegmentFrames}): with a keyframe index (MP4; WebM and MKV
 * with cues) never more than {@link #decodeAllFrames} does for the same segment. Each call opens its own {@link FFmpegFrameGrabber} (they are
 * not thread-safe) and closes it, so one sampler may serve many threads.
 */
public final class SegmentFrameSampler {
    private static final double MICROS = 1_000_000.0;
    /** The Haar cascade's window: no detector here sees a face in fewer pixels, so a smaller frame holds none. */
    static final int MIN_FRAME_SIDE = 24;

    private final int framesPerSegment;

    /** @param framesPerSegment at least 1 ({@code ingest.faces.frames-per-segment}, checked by the config) */
    public SegmentFrameSampler(int framesPerSegment) {
        this.framesPerSegment = framesPerSegment;
    }

    /**
     * Opens the segment [startS, endS] for sampling at {@code framesPerSegment} times evenly spaced inside it: the
     * midpoints of equal slices, so never the very first or last instant, where cuts and fades live. The segment must
     * lie inside the video stream, give or take {@link MediaFile#END_SLACK_S} (an end in that slack is clamped to
     * the stream's end). Frames come upright, turned as the file's rotation metadata tells players to. The caller
     * closes the result.
     *
     * @throws RejectException MISSING_FILE, NOT_MEDIA, TRUNCATED, CORRUPT_FILE, NO_VIDEO_STREAM, FRAME_TOO_SMALL or
     *                         SEGMENT_OUT_OF_RANGE
     */
    public SegmentFrames open(Path video, double startS, double endS) throws RejectException {
        checkSegment(startS, endS);
        FFmpegFrameGrabber grabber = openGrabber(video);
        try {
            double videoEnd = MediaFile.streamEndS(grabber, AVMEDIA_TYPE_VIDEO);
            MediaFile.checkSegment(video, startS, endS, videoEnd, "the video of");
            double end = Double.isNaN(videoEnd) ? endS : Math.min(endS, videoEnd);
            double[] targets = sampleTimes(startS, end, framesPerSegment);
            if (!Double.isNaN(videoEnd)) {
                // The last frame starts a frame period before the end: a later target would find no frame.
                double last = Math.max(startS, videoEnd - SegmentFrames.frameDurationS(grabber));
                for (int i = 0; i < targets.length; i++) {
                    targets[i] = Math.min(targets[i], last);
                }
            }
            return new SegmentFrames(video, grabber, targets, MediaFile.rotationDegrees(grabber), videoEnd);
        } catch (RejectException | RuntimeException e) {
            MediaFile.closeQuietly(grabber);
            throw e;
        }
    }

    /**
     * All sampled frames of the segment at once. An empty result is a CORRUPT_FILE reject: the header promised
     * frames that could not be decoded.
     */
    public List<SampledFrame> sample(Path video, double startS, double endS) throws RejectException {
        List<SampledFrame> frames = new ArrayList<>(framesPerSegment);
        boolean done = false;
        try (SegmentFrames segment = open(video, startS, endS)) {
            SampledFrame f;
            while ((f = segment.next()) != null) {
                frames.add(f);
            }
            if (frames.isEmpty()) {
                throw noFrames(video, startS, endS);
            }
            done = true;
            return frames;
        } finally {
            if (!done) {
                frames.forEach(SampledFrame::close);
            }
        }
    }

    /** The reject for a segment in which no frame could be decoded although the header says it is there. */
    static RejectException noFrames(Path video, double startS, double endS) {
        return new RejectException(RejectReason.CORRUPT_FILE, String.format(Locale.ROOT,
                "No video frame of %s could be decoded in the segment %.3f-%.3f s, although its header places the"
                        + " segment inside the media: its video data is damaged.", video.getFileName(), startS,
                endS));
    }

    /**
     * Decodes every video frame of [startS, endS] and does nothing with it, not even the conversion to BGR: the
     * cost floor that face ingestion is measured against. Returns the number of frames decoded in the segment
     * (frames decoded on the way from the preceding keyframe are paid for but not counted).
     */
    public static int decodeAllFrames(Path video, double startS, double endS) throws RejectException {
        checkSegment(startS, endS);
        try (FFmpegFrameGrabber grabber = openGrabber(video)) {
            double videoEnd = MediaFile.streamEndS(grabber, AVMEDIA_TYPE_VIDEO);
            MediaFile.checkSegment(video, startS, endS, videoEnd, "the video of");
            double end = Double.isNaN(videoEnd) ? endS : Math.min(endS, videoEnd);
            double half = SegmentFrames.frameDurationS(grabber) / 2;
            long startUs = grabber.getFormatContext().start_time();
            long offsetUs = startUs == AV_NOPTS_VALUE ? 0 : startUs;
            grabber.setVideoTimestamp(Math.round(startS * MICROS));
            int count = 0;
            Frame f;
            while ((f = grabber.grabFrame(false, true, false, false, false)) != null) {
                double t = (f.timestamp - offsetUs) / MICROS;
                if (t > end) {
                    break;
                }
                if (t >= startS - half) {
                    count++;
                }
            }
            if (count == 0) {
                throw noFrames(video, startS, end);
            }
            return count;
        } catch (FrameGrabber.Exception e) {
            throw new RejectException(RejectReason.CORRUPT_FILE, "FFmpeg failed while decoding frames of "
                    + video.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Midpoints of {@code n} equal slices of [startS, endS]. */
    static double[] sampleTimes(double startS, double endS, int n) {
        double[] times = new double[n];
        double slice = (endS - startS) / n;
        for (int i = 0; i < n; i++) {
            times[i] = startS + (i + 0.5) * slice;
        }
        return times;
    }

    private static void checkSegment(double startS, double endS) {
        if (!(startS >= 0) || !(endS > startS) || Double.isInfinite(endS)) {
            throw new IllegalArgumentException("A segment needs 0 <= start < end, both finite, got "
                    + startS + "-" + endS + " s.");
        }
    }

    /** A started grabber on a local file with a video stream whose frames can hold a face; the caller closes it. */
    private static FFmpegFrameGrabber openGrabber(Path video) throws RejectException {
        // One decoding thread: Spark already runs one task per core, and frame-threaded decoding delays every
        // seek by a frame per thread.
        FFmpegFrameGrabber grabber = MediaFile.open(video, g -> g.setVideoOption("threads", "1"));
        if (!grabber.hasVideo()) {
            MediaFile.closeQuietly(grabber);
            throw new RejectException(RejectReason.NO_VIDEO_STREAM,
                    "Media file " + video.getFileName() + " has no video stream.");
        }
        int w = grabber.getImageWidth();
        int h = grabber.getImageHeight();
        if (Math.min(w, h) < MIN_FRAME_SIDE) {
            MediaFile.closeQuietly(grabber);
            throw new RejectException(RejectReason.FRAME_TOO_SMALL, String.format(Locale.ROOT,
                    "%s has %dx%d frames; a face needs at least %dx%d pixels (the smallest face the detector can "
                            + "see), so none can be in it.", video.getFileName(), w, h, MIN_FRAME_SIDE,
                    MIN_FRAME_SIDE));
        }
        return grabber;
    }
}
