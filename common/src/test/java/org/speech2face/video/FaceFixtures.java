package org.speech2face.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.function.IntFunction;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Real photos and small real videos for face tests. The photos are scaled-down public-domain portraits
 * (see /faces/SOURCES.md in the test resources); the videos are written with FFmpeg through JavaCV.
 */
public final class FaceFixtures {
    /** Where OpenCV's Haar cascade finds each face in the bundled photos (full-size boxes scaled to our copies). */
    public static final FaceBox ASTRONAUT_FACE = new FaceBox(89, 33, 47, 47, 0);   // 256x256, from (177,66,95,95) in 512x512
    public static final FaceBox OBAMA_FACE = new FaceBox(150, 42, 132, 132, 0);    // 400x500, from (342,95,300,300) in 910x1137
    public static final FaceBox BIDEN_FACE = new FaceBox(179, 87, 129, 129, 0);    // 400x908, from (433,211,314,314) in 970x2204

    private FaceFixtures() {
    }

    /** A bundled photo ({@code astronaut.jpg}, {@code obama.jpg}, {@code biden.jpg}) as BGR pixels. */
    public static Mat photo(String name) {
        try (InputStream in = FaceFixtures.class.getResourceAsStream("/faces/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No test photo /faces/" + name + ".");
            }
            byte[] bytes = in.readAllBytes();
            try (Mat encoded = new Mat(1, bytes.length, opencv_core.CV_8UC1)) {
                encoded.data().put(bytes);
                Mat bgr = imdecode(encoded, IMREAD_COLOR);
                if (bgr.empty()) {
                    throw new IllegalStateException("OpenCV could not decode test photo " + name + ".");
                }
                return bgr;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An 800x500 canvas with Obama's portrait on the left half and the astronaut's, enlarged to 400x400, on the
     * right half. Returns the canvas; the faces are at {@link #twoFacesObama()} and {@link #twoFacesAstronaut()}.
     */
    public static Mat twoFaces() {
        Mat canvas = new Mat(500, 800, opencv_core.CV_8UC3, Scalar.all(0));
        try (Mat obama = photo("obama.jpg"); Mat astronaut = photo("astronaut.jpg"); Mat big = new Mat();
             Mat left = new Mat(canvas, new Rect(0, 0, 400, 500));
             Mat right = new Mat(canvas, new Rect(400, 50, 400, 400))) {
            obama.copyTo(left);
            resize(astronaut, big, new Size(400, 400), 0, 0, INTER_AREA);
            big.copyTo(right);
        }
        return canvas;
    }

    public static FaceBox twoFacesObama() {
        return OBAMA_FACE;
    }

    public static FaceBox twoFacesAstronaut() {
        FaceBox a = ASTRONAUT_FACE; // scaled by 400/256 and moved to (400, 50)
        double s = 400 / 256.0;
        return new FaceBox(400 + (int) Math.round(a.x() * s), 50 + (int) Math.round(a.y() * s),
                (int) Math.round(a.w() * s), (int) Math.round(a.h() * s), 0);
    }

    /** A smooth diagonal gray gradient: texture-free, so no detector should find a face in it. */
    public static Mat gradient(int width, int height) {
        Mat m = new Mat(height, width, opencv_core.CV_8UC3);
        byte[] px = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                byte v = (byte) (40 + 160 * (x + y) / (width + height));
                int i = (y * width + x) * 3;
                px[i] = v;
                px[i + 1] = v;
                px[i + 2] = (byte) (v + 20);
            }
        }
        m.data().put(px);
        return m;
    }

    /** An MP4 (MPEG-4 part 2) showing {@code image} for {@code seconds} at {@code fps}. */
    public static Path stillVideo(Path file, Mat image, double seconds, double fps) {
        int frames = (int) Math.round(seconds * fps);
        return video(file, image.cols(), image.rows(), fps, frames, i -> image, false);
    }

    /**
     * An MP4 of {@code frames} frames from {@code frameAt}, optionally with a 440 Hz mono AAC track; dimensions
     * must be even. A keyframe comes about every 10 frames, and up to two B-frames between P-frames make decode order differ
     * from display order, as in most real videos.
     */
    public static Path video(Path file, int width, int height, double fps, int frames, IntFunction<Mat> frameAt,
                              boolean withAudio) {
        return video(file, width, height, fps, frames, frameAt, withAudio, null);
    }

    /** As {@link #video(Path, int, int, double, int, IntFunction, boolean)}, with MP4 {@code movflags} if not null. */
    public static Path video(Path file, int width, int height, double fps, int frames, IntFunction<Mat> frameAt,
                              boolean withAudio, String movflags) {
        return video(file, width, height, fps, frames, frameAt, withAudio, movflags, "mp4");
    }

    /** As {@link #video(Path, int, int, double, int, IntFunction, boolean, String)}, in another container. */
    public static Path video(Path file, int width, int height, double fps, int frames, IntFunction<Mat> frameAt,
                              boolean withAudio, String movflags, String container) {
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), width, height, withAudio ? 1 : 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            rec.setFormat(container);
            rec.setVideoCodec(AV_CODEC_ID_MPEG4);
            rec.setPixelFormat(AV_PIX_FMT_YUV420P);
            rec.setFrameRate(fps);
            rec.setGopSize(10);
            rec.setMaxBFrames(2);
            rec.setVideoQuality(2); // MPEG-4 qscale: 2 is near-transparent, so detection sees the photo
            if (movflags != null) {
                rec.setOption("movflags", movflags);
            }
            if (withAudio) {
                rec.setAudioCodec(AV_CODEC_ID_AAC);
                rec.setSampleRate(16_000);
            }
            rec.start();
            int samplesPerFrame = (int) Math.round(16_000 / fps);
            for (int i = 0; i < frames; i++) {
                rec.record(converter.convert(frameAt.apply(i)));
                if (withAudio) {
                    rec.recordSamples(16_000, 1, tone(i * samplesPerFrame, samplesPerFrame));
                }
            }
            rec.stop();
            return file;
        } catch (FrameRecorder.Exception e) {
            throw new IllegalStateException("FFmpeg could not write test video " + file + ".", e);
        }
    }

    /** An MP4 (really M4A) holding only an AAC audio track. */
    public static Path audioOnly(Path file, double seconds) {
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), 1)) {
            rec.setFormat("mp4");
            rec.setAudioCodec(AV_CODEC_ID_AAC);
            rec.setSampleRate(16_000);
            rec.start();
            int total = (int) Math.round(seconds * 16_000);
            for (int at = 0; at < total; at += 1600) {
                rec.recordSamples(16_000, 1, tone(at, Math.min(1600, total - at)));
            }
            rec.stop();
            return file;
        } catch (FrameRecorder.Exception e) {
            throw new IllegalStateException("FFmpeg could not write test audio " + file + ".", e);
        }
    }

    private static ShortBuffer tone(int from, int count) {
        short[] s = new short[count];
        for (int i = 0; i < count; i++) {
            s[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * (from + i) / 16_000.0));
        }
        return ShortBuffer.wrap(s);
    }
}
