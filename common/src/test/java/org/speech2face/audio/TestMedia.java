package org.speech2face.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes tiny real media files with FFmpeg for tests: tones in wav/m4a/mp3, video-only and audio+video mp4.
 * Public so that spark-jobs' tests can reuse it through the test-jar.
 */
public final class TestMedia {
    private TestMedia() {
    }

    /** One piece of a test tone: a sine of {@code hz} for {@code seconds}, the same on every channel. */
    public record Tone(double hz, double seconds) {
    }

    /** The container and codec of an audio-only test file. */
    public enum AudioFormat {
        WAV("wav", avcodec.AV_CODEC_ID_PCM_S16LE),
        M4A("mp4", avcodec.AV_CODEC_ID_AAC),
        MP3("mp3", avcodec.AV_CODEC_ID_MP3);

        final String container;
        final int codec;

        AudioFormat(String container, int codec) {
            this.container = container;
            this.codec = codec;
        }
    }

    /** Samples of consecutive tones at amplitude 0.5, continuous in phase so the joins do not click. */
    public static float[] tones(int sampleRate, Tone... tones) {
        int total = 0;
        for (Tone t : tones) {
            total += (int) Math.round(t.seconds() * sampleRate);
        }
        float[] x = new float[total];
        double phase = 0.0;
        int n = 0;
        for (Tone t : tones) {
            int count = (int) Math.round(t.seconds() * sampleRate);
            for (int i = 0; i < count; i++, n++) {
                x[n] = (float) (0.5 * Math.sin(phase));
                phase += 2 * Math.PI * t.hz() / sampleRate;
            }
        }
        return x;
    }

    /** An audio-only file of the given tones, every channel identical. */
    public static Path writeAudio(Path file, AudioFormat format, int sampleRate, int channels, Tone... tones)
            throws IOException {
        return writeSamples(file, format, sampleRate, channels, tones(sampleRate, tones));
    }

    /** An audio-only file of the given mono samples (e.g. speech decoded from a clip), every channel identical. */
    public static Path writeSamples(Path file, AudioFormat format, int sampleRate, int channels, float[] mono)
            throws IOException {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), channels)) {
            recorder.setFormat(format.container);
            recorder.setAudioCodec(format.codec);
            recorder.setSampleRate(sampleRate);
            recorder.setAudioChannels(channels);
            if (format != AudioFormat.WAV) {
                recorder.setAudioBitrate(96_000);
            }
            recorder.start();
            recordInterleaved(recorder, mono, sampleRate, channels);
            recorder.stop();
        }
        return file;
    }

    /** A 64x64 mp4 without audio (MPEG-4 part 2 video), {@code seconds} long at 25 fps. */
    public static Path writeVideoOnly(Path file, double seconds) throws IOException {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 64, 64, 0)) {
            startVideo(recorder);
            recorder.start();
            recordVideo(recorder, seconds);
            recorder.stop();
        }
        return file;
    }

    /**
     * A 64x64 mp4 with AAC audio of the given tones at {@code sampleRate}, mono. FFmpeg writes the moov atom (the
     * index) after the media data, as most cameras and downloaders do, so a truncated copy loses it.
     */
    public static Path writeVideoWithAudio(Path file, int sampleRate, Tone... tones) throws IOException {
        return writeVideoWithAudio(file, sampleRate, 0.0, tones);
    }

    /** As {@link #writeVideoWithAudio(Path, int, Tone...)}, the video running {@code extraVideoS} past the audio. */
    public static Path writeVideoWithAudio(Path file, int sampleRate, double extraVideoS, Tone... tones)
            throws IOException {
        return writeVideoWithAudio(file, "mp4", sampleRate, extraVideoS, tones);
    }

    /** As {@link #writeVideoWithAudio(Path, int, Tone...)}, in another container (FFmpeg's name, e.g. "matroska"). */
    public static Path writeVideoWithAudio(Path file, String container, int sampleRate, Tone... tones)
            throws IOException {
        return writeVideoWithAudio(file, container, sampleRate, 0.0, tones);
    }

    private static Path writeVideoWithAudio(Path file, String container, int sampleRate, double extraVideoS,
                                            Tone... tones) throws IOException {
        float[] mono = tones(sampleRate, tones);
        double seconds = (double) mono.length / sampleRate + extraVideoS;
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 64, 64, 1)) {
            startVideo(recorder);
            recorder.setFormat(container);
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(sampleRate);
            recorder.setAudioBitrate(96_000);
            recorder.start();
            int framesPerVideoFrame = sampleRate / 25;
            Frame image = grayFrame();
            int videoFrames = (int) Math.round(seconds * 25);
            for (int v = 0; v < videoFrames; v++) {
                recorder.record(image);
                int from = v * framesPerVideoFrame;
                int to = Math.min(mono.length, from + framesPerVideoFrame);
                if (from < to) {
                    recorder.recordSamples(sampleRate, 1, FloatBuffer.wrap(Arrays.copyOfRange(mono, from, to)));
                }
            }
            recorder.stop();
        }
        return file;
    }

    /**
     * A Matroska file's bytes with its segment's length field set to "unknown" (all ones, same width), as a live
     * recorder leaves it: a valid file that no longer says how long it is in bytes, only in time.
     */
    public static byte[] withUnknownSegmentLength(byte[] mkv) {
        byte[] out = mkv.clone();
        for (int i = 0; i + 4 < out.length; i++) {
            if ((out[i] & 0xFF) == 0x18 && (out[i + 1] & 0xFF) == 0x53 && (out[i + 2] & 0xFF) == 0x80
                    && (out[i + 3] & 0xFF) == 0x67) {
                int first = out[i + 4] & 0xFF;
                int width = Integer.numberOfLeadingZeros(first) - 23;
                out[i + 4] = (byte) ((0x100 >> width) | (0xFF >> width));
                for (int k = 1; k < width; k++) {
                    out[i + 4 + k] = (byte) 0xFF;
                }
                return out;
            }
        }
        throw new IllegalArgumentException("No Matroska segment in these bytes.");
    }

    private static void startVideo(FFmpegFrameRecorder recorder) {
        recorder.setFormat("mp4");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(25);
        recorder.setVideoBitrate(100_000);
    }

    private static void recordVideo(FFmpegFrameRecorder recorder, double seconds) throws IOException {
        Frame image = grayFrame();
        int frames = (int) Math.round(seconds * 25);
        for (int i = 0; i < frames; i++) {
            recorder.record(image);
        }
    }

    private static Frame grayFrame() {
        Frame frame = new Frame(64, 64, Frame.DEPTH_UBYTE, 3);
        ByteBuffer pixels = (ByteBuffer) frame.image[0];
        for (int i = 0; i < pixels.capacity(); i++) {
            pixels.put(i, (byte) (i % 251));
        }
        return frame;
    }

    private static void recordInterleaved(FFmpegFrameRecorder recorder, float[] mono, int sampleRate, int channels)
            throws IOException {
        int chunk = 4096;
        float[] interleaved = new float[chunk * channels];
        for (int from = 0; from < mono.length; from += chunk) {
            int count = Math.min(chunk, mono.length - from);
            for (int i = 0; i < count; i++) {
                for (int c = 0; c < channels; c++) {
                    interleaved[i * channels + c] = mono[from + i];
                }
            }
            recorder.recordSamples(sampleRate, channels,
                    FloatBuffer.wrap(Arrays.copyOf(interleaved, count * channels)));
        }
    }
}
