package org.speech2face.audio;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;
import org.speech2face.media.MediaFile;

/**
 * Decodes the audio of one AVSpeech segment {@code [startS, endS]} from a local media file (mp4, webm, mkv, wav,
 * mp3, m4a, anything FFmpeg reads) as mono PCM at the spectrogram's sample rate.
 *
 * <p>FFmpeg's swresample converts to 32-bit float at the target rate; the channels are then averaged here (and
 * clamped to [-1, 1]) because swresample's own stereo-to-mono matrix sums at -3 dB per channel and can leave
 * [-1, 1] for float output. Times are measured from the container's start time, as players and {@code ffmpeg -ss}
 * do. The segment is cut to the sample from the decoded frames' timestamps, so the seek only has to land on or
 * before the start: it aims a second early, and if it still lands late, decoding restarts from the top. Streams
 * without an index (MP3, ADTS AAC), whose timestamps after a seek are only a bitrate estimate (15 ms off in
 * tests), are always decoded from the top.
 *
 * <p>Memory is bounded by the spectrogram's segment, whatever the row asks for: samples go into one buffer of at
 * most {@code segmentSamples} as frames arrive, and decoding stops when it is full, since the encoder reads only a
 * segment's first 6 s. A 24-hour row costs what a 6 s one does.
 *
 * <p>What the file holds is judged as {@link MediaFile} does for both ingest stages: a segment must lie inside the
 * audio stream (give or take {@link MediaFile#END_SLACK_S}), and audio that stops well before the end its container
 * states is a truncated file, not a short clip to tile.
 *
 * <p>Files must be local: MP4 with the index at the end cannot be streamed. Thread-safe: every call opens and
 * closes its own grabber, with single-threaded decoders, as Spark already runs one task per core.
 */
public final class AudioSegmentDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(AudioSegmentDecoder.class);

    /**
     * How far before the segment to seek. JavaCV steps to the frame holding the target estimating frame length at
     * the output rate, so with a source below 16 kHz it can overshoot by part of a frame (up to 0.5 s for PCM in
     * wav); the lead absorbs that, and decoding from the start covers the rest.
     */
    private static final long SEEK_LEAD_US = 1_000_000L;

    /** FFmpeg demuxer names of streams without an index. */
    private static final Set<String> UNINDEXED_FORMATS = Set.of("mp3", "aac");

    private final int sampleRate;
    private final int maxSamples;

    public AudioSegmentDecoder(SpectrogramSpec spec) {
        Objects.requireNonNull(spec, "spec");
        this.sampleRate = spec.sampleRate();
        this.maxSamples = spec.segmentSamples();
    }

    public int sampleRate() {
        return sampleRate;
    }

    /**
     * The mono PCM of the segment {@code [startS, endS]} (seconds from the start of the media): all of it, or its
     * first {@code segmentSamples} when it is longer.
     *
     * @throws RejectException MISSING_FILE, NOT_MEDIA, TRUNCATED, CORRUPT_FILE, NO_AUDIO_STREAM, or
     *                         SEGMENT_OUT_OF_RANGE when the segment is not inside the audio or nothing in it decodes
     * @throws IllegalArgumentException for times that are not a segment (negative, NaN, end not after start); the
     *                                  CSV parser rejects those rows before they get here
     */
    public DecodedAudio decode(Path file, double startS, double endS) throws RejectException {
        Objects.requireNonNull(file, "file");
        if (!(startS >= 0.0 && endS > startS && Double.isFinite(endS))) {
            throw new IllegalArgumentException("Segment " + startS + "-" + endS + " s of " + file
                    + " is not a segment: it needs 0 <= start < end, both finite.");
        }
        return open(file, startS, endS, true);
    }

    /**
     * The first {@code seconds} of the audio (at most {@code segmentSamples}), or all of it when it is shorter: a
     * voice recording rather than a segment of a video, so its length is whatever it is.
     *
     * @throws RejectException MISSING_FILE, NOT_MEDIA, TRUNCATED, CORRUPT_FILE, NO_AUDIO_STREAM, or
     *                         SEGMENT_OUT_OF_RANGE when no audio decodes at all
     */
    public DecodedAudio decodeUpTo(Path file, double seconds) throws RejectException {
        Objects.requireNonNull(file, "file");
        if (!(seconds > 0 && Double.isFinite(seconds))) {
            throw new IllegalArgumentException("Cannot decode the first " + seconds + " s of " + file + ".");
        }
        return open(file, 0.0, seconds, false);
    }

    private DecodedAudio open(Path file, double startS, double endS, boolean segment) throws RejectException {
        FFmpegFrameGrabber grabber = MediaFile.open(file, g -> {
            g.setSampleMode(FrameGrabber.SampleMode.FLOAT);
            g.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
            g.setSampleRate(sampleRate);
            g.setAudioOption("threads", "1");
            g.setVideoOption("threads", "1");
        });
        try {
            return decode(grabber, file, startS, endS, segment);
        } finally {
            MediaFile.closeQuietly(grabber);
        }
    }

    private DecodedAudio decode(FFmpegFrameGrabber grabber, Path file, double startS, double endS, boolean segment)
            throws RejectException {
        String name = String.valueOf(file.getFileName());
        if (!grabber.hasAudio()) {
            throw new RejectException(RejectReason.NO_AUDIO_STREAM, "Media file " + name + " has no audio stream.");
        }
        double audioEndS = MediaFile.streamEndS(grabber, avutil.AVMEDIA_TYPE_AUDIO);
        if (segment) {
            MediaFile.checkSegment(file, startS, endS, audioEndS, "the audio of");
        }
        double wantedEndS = Math.min(endS, startS + maxSamples / (double) sampleRate);
        long originUs = containerStartUs(grabber);
        long startUs = originUs + Math.round(startS * 1e6);
        long endUs = originUs + Math.round(wantedEndS * 1e6);
        float[] samples;
        try {
            samples = null;
            long seekUs = startUs - SEEK_LEAD_US - audioStreamStartUs(grabber, originUs);
            if (seekUs > 0 && seeksExactly(grabber)) {
                // setAudioTimestamp counts from the audio stream's own start.
                grabber.setAudioTimestamp(seekUs);
                samples = collect(grabber, originUs, startUs, endUs, true);
                if (samples == null) {
                    LOG.debug("Seek in {} landed after {} s; decoding from the start instead.", file, startS);
                    grabber.restart();
                }
            }
            if (samples == null) {
                samples = collect(grabber, originUs, startUs, endUs, false);
            }
        } catch (FrameGrabber.Exception e) {
            throw new RejectException(RejectReason.CORRUPT_FILE, String.format(Locale.ROOT,
                    "FFmpeg failed decoding the audio of %s for segment %.3f-%.3f s: %s", name, startS, endS,
                    e.getMessage()), e);
        }
        double decodedToS = startS + samples.length / (double) sampleRate;
        boolean stated = !Double.isNaN(audioEndS);
        if (stated && decodedToS < Math.min(wantedEndS, audioEndS) - MediaFile.TRUNCATION_SLACK_S) {
            throw MediaFile.truncated(file, "its audio", decodedToS, audioEndS);
        }
        if (samples.length == 0) {
            throw new RejectException(RejectReason.SEGMENT_OUT_OF_RANGE, String.format(Locale.ROOT,
                    "No audio decodes between %.3f and %.3f s of %s (%s).", startS, endS, name,
                    stated ? String.format(Locale.ROOT, "its audio lasts %.3f s", audioEndS)
                            : "its duration is unknown"));
        }
        // A segment longer than what is decoded is as long as its row says (it lies inside the audio, checked above).
        double segmentS = segment && wantedEndS < endS ? Math.min(endS, stated ? audioEndS : endS) - startS
                : samples.length / (double) sampleRate;
        double mediaS = MediaFile.durationS(grabber);
        return new DecodedAudio(samples, sampleRate, segmentS, mediaS);
    }

    /**
     * Samples whose time lies in {@code [startUs, endUs)}, at most {@code maxSamples} of them. Sample k after the
     * first frame is at {@code firstFrameUs + k / rate}: counting from one timestamp avoids the jitter of per-frame
     * timestamps. Returns null if {@code afterSeek} and the first frame starts after {@code startUs}: the seek
     * overshot.
     */
    private float[] collect(FFmpegFrameGrabber grabber, long originUs, long startUs, long endUs, boolean afterSeek)
            throws FrameGrabber.Exception {
        float[] out = null;
        int written = 0;
        long first = 0;      // sample index (from the first frame) of the segment start
        long end = 0;        // sample index one past the last sample wanted
        long index = 0;      // sample index of the next decoded sample
        float[] interleaved = new float[0];
        Frame frame;
        while ((frame = grabber.grabSamples()) != null) {
            if (frame.samples == null || frame.samples.length == 0) {
                continue;
            }
            if (out == null) {
                // Nothing starts before the container does: the frame that a codec's start padding was trimmed
                // from (MP3, AAC) keeps its packet's earlier timestamp, which would shift the whole segment.
                long frameUs = Math.max(frame.timestamp, originUs);
                if (afterSeek && usToSamples(startUs - frameUs) < 0) {
                    return null;
                }
                first = Math.max(0L, usToSamples(startUs - frameUs));
                end = Math.min(usToSamples(endUs - frameUs), first + maxSamples);
                if (end <= first) {
                    return new float[0];
                }
                out = new float[(int) (end - first)];
            }
            int channels = frame.audioChannels;
            FloatBuffer buffer = (FloatBuffer) frame.samples[0];
            int count = buffer.limit() / channels;
            if (interleaved.length < count * channels) {
                interleaved = new float[count * channels];
            }
            buffer.get(0, interleaved, 0, count * channels);
            int from = (int) Math.min(Math.max(first - index, 0L), count);
            int to = (int) Math.max(Math.min(end - index, count), from);
            for (int i = from; i < to; i++) {
                out[written++] = downmix(interleaved, i, channels);
            }
            index += count;
            if (index >= end) {
                break;
            }
        }
        if (out == null) {
            return new float[0];
        }
        return written == out.length ? out : Arrays.copyOf(out, written);
    }

    private static float downmix(float[] interleaved, int sample, int channels) {
        int base = sample * channels;
        float sum = 0.0f;
        for (int c = 0; c < channels; c++) {
            sum += interleaved[base + c];
        }
        float mean = sum / channels;
        return Math.max(-1.0f, Math.min(1.0f, mean));
    }

    private long usToSamples(long us) {
        return Math.round(us * (double) sampleRate / 1e6);
    }

    /** Containers with an index, whose timestamps after a seek are exact; not MP3 or raw AAC. */
    private static boolean seeksExactly(FFmpegFrameGrabber grabber) {
        return !UNINDEXED_FORMATS.contains(grabber.getFormat());
    }

    private static long containerStartUs(FFmpegFrameGrabber grabber) {
        long start = grabber.getFormatContext().start_time();
        return start == avutil.AV_NOPTS_VALUE ? 0L : start * 1_000_000L / avutil.AV_TIME_BASE;
    }

    private static long audioStreamStartUs(FFmpegFrameGrabber grabber, long fallbackUs) {
        var stream = grabber.getFormatContext().streams(grabber.getAudioStream());
        long start = stream.start_time();
        if (start == avutil.AV_NOPTS_VALUE) {
            return fallbackUs;
        }
        return 1_000_000L * start * stream.time_base().num() / stream.time_base().den();
    }
}
