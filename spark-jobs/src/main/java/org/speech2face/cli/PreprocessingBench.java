package org.speech2face.cli;

import org.apache.hadoop.conf.Configuration;
import org.speech2face.bench.SpectrogramBenchmark;
import org.speech2face.config.ConfigKey;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.AvSpeechCsv;
import org.speech2face.data.AvSpeechSegment;
import org.speech2face.data.RejectException;
import org.speech2face.data.VideoLocator;
import org.speech2face.faceapi.SsdMobilenetFaceDetector;
import org.speech2face.faceapi.fetch.ModelFetchException;
import org.speech2face.faceapi.fetch.ModelFetcher;
import org.speech2face.faceapi.fetch.ModelsDirectory;
import org.speech2face.media.FFmpegLog;
import org.speech2face.video.FaceIngestor;
import org.speech2face.video.SegmentFrameSampler;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The preprocessing figures of the foundation issue, each beside its reference from the same run: face ingest per
 * clip against merely decoding the same segment with FFmpeg, and spectrogram extraction per core against NumPy.
 * Runs in one JVM on the configured CSV and videos (the bundled sample by default), no Spark.
 */
final class PreprocessingBench {
    private static final int REPEATS = 3;

    private final S2fConfig config;
    private final PrintStream out;

    PreprocessingBench(S2fConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    void run() throws Exception {
        FFmpegLog.quiet();
        faceIngestVersusDecode();
        spectrograms();
    }

    private void faceIngestVersusDecode() throws IOException {
        List<AvSpeechSegment> segments = readSegments(config);
        VideoLocator locator = new VideoLocator(config.input().videos(), config.input().videoExtensions(),
                config.ingest().localTmp());
        FaceIngestor ingestor = ingestor(config);
        out.println("Face ingest (" + ConfigKey.OneOf.word(config.ingest().detector()) + " detector) vs plain FFmpeg "
                + "decode of the same segment (median of " + REPEATS + " runs):");
        out.printf("%-18s %8s %12s %12s %7s%n", "clip", "seconds", "decode ms", "ingest ms", "ratio");
        double decodeTotal = 0;
        double ingestTotal = 0;
        int clips = 0;
        for (AvSpeechSegment s : segments) {
            try (VideoLocator.LocalVideo v = locator.open(s.youtubeId(), new Configuration())) {
                double decode = median(() -> SegmentFrameSampler.decodeAllFrames(v.file(), s.startS(), s.endS()));
                double ingest = median(() -> ingestor.ingest(v.file(), s.startS(), s.endS(), s.hintX(), s.hintY()));
                out.printf("%-18s %8.1f %12.1f %12.1f %7.2f%n", s.clipId(), s.durationS(), decode, ingest, ingest / decode);
                decodeTotal += decode;
                ingestTotal += ingest;
                clips++;
            } catch (RejectException e) {
                out.printf("%-18s skipped: %s%n", s.clipId(), e.getMessage());
            }
        }
        if (clips > 0) {
            out.printf("mean over %d clips: decode %.1f ms/clip, ingest %.1f ms/clip, ingest/decode %.2fx (target <= 1.5x)%n%n",
                    clips, decodeTotal / clips, ingestTotal / clips, ingestTotal / decodeTotal);
        }
    }

    private void spectrograms() throws IOException, InterruptedException {
        SpectrogramBenchmark.Result r = SpectrogramBenchmark.run(config.ingest().audio(), 200, 2000);
        out.println("Spectrogram from PCM (6 s, STFT 400/160/512, power-law 0.3), one thread:");
        out.printf("  java (this project): %8.1f segments/s per core (%d segments, %.2f s CPU)%n",
                r.segmentsPerCpuSecond(), r.segments(), r.cpuSeconds());
        ReferenceScript.run("numpy_spectrogram.py", List.of(), Map.of("OMP_NUM_THREADS", "1", "OPENBLAS_NUM_THREADS", "1"), out);
        out.println("  target: >= 500 segments/s per core; NumPy measured 263 on these machines (docs/benchmarks.md).");
    }

    /** The face ingestor with {@code ingest.faces.detector}; the SSD's weights from models.dir, checked. */
    static FaceIngestor ingestor(S2fConfig config) throws IOException {
        if (config.ingest().detector() == S2fConfig.FaceDetectorName.HAAR) {
            return new FaceIngestor(config.ingest().faces());
        }
        Path models;
        try {
            models = ModelsDirectory.fromConfig(config.modelsDir());
            ModelFetcher.faceApi(System.getenv()).require(models);
        } catch (ModelFetchException e) {
            throw new CommandFailure("ingest.faces.detector = ssd-mobilenet needs face-api's SSD weights: "
                    + e.getMessage(), e);
        }
        return new FaceIngestor(config.ingest().faces(), SsdMobilenetFaceDetector.load(models));
    }

    /** The configured CSV's well-formed rows (a bad row has no segment to time). */
    static List<AvSpeechSegment> readSegments(S2fConfig config) throws IOException {
        Path csv = Path.of(java.net.URI.create(config.input().csv()));
        List<AvSpeechSegment> out = new ArrayList<>();
        try (java.io.Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            // A bad row has no segment to time.
            AvSpeechCsv.rows(csv.getFileName().toString(), in).forEachRemaining(r -> {
                if (r.segment() != null) {
                    out.add(r.segment());
                }
            });
        }
        return out;
    }

    private interface Timed {
        Object call() throws Exception;
    }

    private static double median(Timed t) throws RejectException {
        double[] ms = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long t0 = System.nanoTime();
            try {
                t.call();
            } catch (RejectException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[REPEATS / 2];
    }
}
