package org.speech2face.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.AvSpeechSegment;
import org.speech2face.data.RejectException;
import org.speech2face.data.VideoLocator;
import org.speech2face.faceapi.SsdMobilenetFaceDetector;
import org.speech2face.faceapi.bench.DetectorComparison;
import org.speech2face.faceapi.bench.FrameVariant;
import org.speech2face.faceapi.fetch.ModelFetchException;
import org.speech2face.faceapi.fetch.ModelFetcher;
import org.speech2face.faceapi.fetch.ModelsDirectory;
import org.speech2face.media.FFmpegLog;
import org.speech2face.video.FaceDetector;
import org.speech2face.video.HaarFaceDetector;

/**
 * {@code s2f bench detectors [--models-dir DIR] [--limit N]}: the Haar cascade and the SSD MobileNet detector on
 * the configured CSV's segments (the bundled sample by default), as they are and re-rendered rotated and warped,
 * with detection rate, crop agreement and time side by side. No Spark.
 */
final class DetectorBench {
    private final CliArgs args;
    private final S2fConfig config;
    private final PrintStream out;

    DetectorBench(CliArgs args, S2fConfig config, PrintStream out) {
        this.args = args;
        this.config = config;
        this.out = out;
    }

    void run() throws IOException, InterruptedException {
        FFmpegLog.quiet();
        Path models;
        try {
            models = ModelsDirectory.resolve(args.options().get("models-dir"), config.modelsDir());
            ModelFetcher.faceApi(System.getenv()).require(models);
        } catch (ModelFetchException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        List<FaceDetector> detectors = List.of(new HaarFaceDetector(config.ingest().faces()),
                SsdMobilenetFaceDetector.load(models));
        VideoLocator locator = new VideoLocator(config.input().videos(), config.input().videoExtensions(),
                config.ingest().localTmp());
        List<DetectorComparison.Clip> clips = new ArrayList<>();
        List<VideoLocator.LocalVideo> opened = new ArrayList<>();
        Path work = Files.createTempDirectory("s2f-detector-bench");
        try {
            for (AvSpeechSegment s : segments()) {
                try {
                    VideoLocator.LocalVideo v = locator.open(s.youtubeId(), new Configuration());
                    opened.add(v);
                    clips.add(new DetectorComparison.Clip(s, v.file()));
                } catch (RejectException e) {
                    out.printf("%s skipped: %s%n", s.clipId(), e.getMessage());
                }
            }
            out.printf("Face detectors on %d segments (speaker found = a detection near the CSV hint in one of %d"
                    + " sampled frames; hint-only crops off). Times are wall seconds on a shared machine: noisy.%n",
                    clips.size(), config.ingest().faces().framesPerSegment());
            out.printf("%-18s %9s %9s %6s %9s %9s %8s %8s%n", "variant", "haar", "ssd", "both", "mean IoU",
                    "IoU>=0.5", "haar s", "ssd s");
            new DetectorComparison(config.ingest().faces(), detectors, work).run(clips, FrameVariant.standard(),
                    r -> out.printf(Locale.ROOT, "%-18s %9s %9s %6d %9.3f %9s %8.1f %8.1f%n", r.variant(),
                            r.found().get("haar") + "/" + r.segments(),
                            r.found().get(SsdMobilenetFaceDetector.NAME) + "/" + r.segments(), r.both(), r.meanIou(),
                            r.agreeing() + "/" + r.both(), r.seconds().get("haar"),
                            r.seconds().get(SsdMobilenetFaceDetector.NAME)));
        } finally {
            opened.forEach(VideoLocator.LocalVideo::close);
            try (var files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private List<AvSpeechSegment> segments() throws IOException {
        List<AvSpeechSegment> all = PreprocessingBench.readSegments(config);
        return args.limit().isPresent() ? all.subList(0, (int) Math.min(all.size(), args.limit().getAsLong())) : all;
    }
}
