package org.speech2face.video;

import static org.bytedeco.ffmpeg.avformat.AVIndexEntry.AVINDEX_KEYFRAME;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.avformat_index_get_entries_count;
import static org.bytedeco.ffmpeg.global.avformat.avformat_index_get_entry_from_timestamp;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIndexEntry;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;
import org.speech2face.media.MediaFile;

/**
 * The sampled frames of one segment, decoded one at a time on demand, so a caller that is satisfied early (a face
 * found on the first frame) never pays for decoding the rest. Holds an open {@link FFmpegFrameGrabber}: use from one
 * thread and close it.
 *
 * <p>Each frame is reached either by seeking (FFmpeg jumps to the keyframe before it and decodes from there) or by
 * decoding onward from the previous one, whichever decodes fewer frames, judged from the container's keyframe
 * index. Frames on the way are decoded without the conversion to BGR; only sampled frames are converted.
 */
public final class SegmentFrames implements AutoCloseable {
    private static final double MICROS = 1_000_000.0;
    /** Without a keyframe index, decode onward rather than seek when the next target is at most this far ahead. */
    private static final double NO_INDEX_FORWARD_S = 2.0;

    private final Path video;
    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final double[] targets;
    private final AVStream stream;
    private final long startUs;
    private final double frameS;
    private final int rotation;
    private final double videoEndS;
    private int next;
    private double positionS = Double.NaN;

    /**
     * @param rotation  clockwise degrees (0, 90, 180, 270) to turn each frame so it is upright
     * @param videoEndS where the container says the video stream ends (NaN: unknown); a stream that stops well
     *                  before it is a truncated file
     */
    SegmentFrames(Path video, FFmpegFrameGrabber grabber, double[] targets, int rotation, double videoEndS) {
        this.video = video;
        this.rotation = rotation;
        this.videoEndS = videoEndS;
        this.grabber = grabber;
        this.targets = targets.clone();
        AVFormatContext oc = grabber.getFormatContext();
        long st = oc.start_time();
        // JavaCV's frame timestamps are raw stream times while its setTimestamp takes media times (it adds the
        // container's start time itself); frames are translated back to media times here.
        this.startUs = st == AV_NOPTS_VALUE ? 0 : st;
        AVStream found = null;
        for (int i = 0; i < oc.nb_streams() && found == null; i++) {
            if (oc.streams(i).codecpar().codec_type() == AVMEDIA_TYPE_VIDEO) {
                found = oc.streams(i); // the same stream JavaCV decodes: the first video stream
            }
        }
        this.stream = found;
        this.frameS = frameDurationS(grabber);
    }

    /** How many frames this segment offers at most. */
    public int size() {
        return targets.length;
    }

    /** Frame width in pixels, upright. */
    public int width() {
        return rotation % 180 == 0 ? grabber.getImageWidth() : grabber.getImageHeight();
    }

    /** Frame height in pixels, upright. */
    public int height() {
        return rotation % 180 == 0 ? grabber.getImageHeight() : grabber.getImageWidth();
    }

    /** The clockwise turn (0, 90, 180 or 270 degrees) each frame is given to stand upright. */
    public int rotation() {
        return rotation;
    }

    /**
     * The next sampled frame, upright, within one frame period of its target time, or null when all targets are done
     * or the media ended early (but not much before its stated end). The caller owns (and closes) the frame.
     *
     * @throws RejectException TRUNCATED when the video stops well before the end its container states
     */
    public SampledFrame next() throws RejectException {
        if (next >= targets.length) {
            return null;
        }
        double target = targets[next++];
        try {
            Frame f = frameAt(target);
            if (f == null) {
                next = targets.length;
                if (!Double.isNaN(videoEndS) && target < videoEndS - MediaFile.TRUNCATION_SLACK_S) {
                    throw MediaFile.truncated(video, "its video", Double.isNaN(positionS) ? 0.0 : positionS,
                            videoEndS);
                }
                return null;
            }
            // The converter wraps the grabber's buffer, which the next grab overwrites: keep a copy.
            return new SampledFrame(mediaTimeS(f), upright(converter.convert(f)));
        } catch (FrameGrabber.Exception e) {
            throw new RejectException(RejectReason.CORRUPT_FILE, String.format(java.util.Locale.ROOT,
                    "FFmpeg failed to decode %s near %.3f s: %s", video.getFileName(), target, e.getMessage()), e);
        }
    }

    /** A copy of the grabber's pixels, turned upright. */
    private Mat upright(Mat decoded) {
        if (rotation == 0) {
            return decoded.clone();
        }
        Mat turned = new Mat();
        opencv_core.rotate(decoded, turned, rotation == 90 ? opencv_core.ROTATE_90_CLOCKWISE
                : rotation == 180 ? opencv_core.ROTATE_180 : opencv_core.ROTATE_90_COUNTERCLOCKWISE);
        return turned;
    }

    @Override
    public void close() {
        converter.close();
        try {
            grabber.close();
        } catch (FrameGrabber.Exception ignored) {
            // nothing more can be done about a grabber that fails to close
        }
    }

    static double frameDurationS(FFmpegFrameGrabber grabber) {
        double fps = grabber.getVideoFrameRate();
        return fps > 0 && fps < 1000 ? 1 / fps : 1 / 25.0;
    }

    double mediaTimeS(Frame f) {
        return (f.timestamp - startUs) / MICROS;
    }

    /** The first frame at or after targetS - half a frame, converted to BGR; null at the end of the media. */
    private Frame frameAt(double targetS) throws FrameGrabber.Exception {
        double earliest = targetS - frameS / 2;
        if (Double.isNaN(positionS) || targetS < positionS || seekingSkipsDecoding(targetS)) {
            // setVideoTimestamp decodes up to about the target and keeps that frame pending, unconverted; it may stop
            // a frame or two early, so its timestamp is checked before paying for the conversion.
            grabber.setVideoTimestamp(Math.round(targetS * MICROS));
            positionS = (grabber.getTimestamp() - startUs) / MICROS;
            if (positionS >= earliest) {
                Frame f = grabber.grabImage();
                if (f != null) {
                    positionS = mediaTimeS(f);
                }
                return f;
            }
            if (grabber.grabFrame(false, true, false, false, false) == null) {
                return null;
            }
        }
        while (true) {
            boolean mayHit = positionS + frameS >= earliest;
            Frame f = mayHit ? grabber.grabImage() : grabber.grabFrame(false, true, false, false, false);
            if (f == null) {
                return null;
            }
            positionS = mediaTimeS(f);
            if (mayHit && positionS >= earliest) {
                return f;
            }
        }
    }

    /** True when a keyframe lies after the current position and at or before the target. */
    private boolean seekingSkipsDecoding(double targetS) {
        if (stream == null || avformat_index_get_entries_count(stream) == 0) {
            return targetS - positionS > NO_INDEX_FORWARD_S;
        }
        long num = stream.time_base().num();
        long den = stream.time_base().den();
        long targetTs = Math.round((targetS * MICROS + startUs) * den / (MICROS * num));
        AVIndexEntry key = avformat_index_get_entry_from_timestamp(stream, targetTs, AVSEEK_FLAG_BACKWARD);
        if (key == null || (key.flags() & AVINDEX_KEYFRAME) == 0) {
            return false;
        }
        double keyS = (key.timestamp() * MICROS * num / den - startUs) / MICROS;
        return keyS > positionS + frameS;
    }
}
