package org.speech2face.faceapi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.speech2face.data.AvSpeechSegment;
import org.speech2face.data.RejectException;
import org.speech2face.video.FaceCrop;
import org.speech2face.video.FaceCropSpec;
import org.speech2face.video.FaceDetector;
import org.speech2face.video.FaceIngestor;

/**
 * Two face detectors side by side on the same segments, as ingest would use them: for each {@link FrameVariant}
 * of the videos (made with FFmpeg), how many segments each detector finds the speaker in (a detection near the
 * CSV's hint, hint-only crops off), and how well the two detectors' crops agree (IoU of the square crop regions)
 * where both find the face. Detection time is measured per detector in the same run.
 */
public final class DetectorComparison {
    private final FaceCropSpec spec;
    private final List<FaceDetector> detectors;
    private final Path work;

    /** One segment of a local video. */
    public record Clip(AvSpeechSegment segment, Path video) {
    }

    /** One variant's figures. @param found per detector, segments with a crop; @param seconds per detector */
    public record Row(String variant, int segments, Map<String, Integer> found, Map<String, Double> seconds,
                      int both, double meanIou, int agreeing) {
    }

    public DetectorComparison(FaceCropSpec spec, List<FaceDetector> detectors, Path work) {
        if (detectors.size() != 2) {
            throw new IllegalArgumentException("The comparison takes two detectors; got " + detectors.size() + ".");
        }
        this.spec = spec.withHintOnlyCrop(false);
        this.detectors = List.copyOf(detectors);
        this.work = work;
    }

    public List<Row> run(List<Clip> clips, List<FrameVariant> variants, java.util.function.Consumer<Row> progress)
            throws IOException {
        List<Row> rows = new ArrayList<>();
        for (FrameVariant v : variants) {
            Map<Path, Path> rendered = new LinkedHashMap<>();
            for (Clip c : clips) {
                if (!rendered.containsKey(c.video())) {
                    rendered.put(c.video(), render(c.video(), v));
                }
            }
            Row row = compare(v, clips, rendered);
            rows.add(row);
            progress.accept(row);
        }
        return rows;
    }

    private Row compare(FrameVariant v, List<Clip> clips, Map<Path, Path> rendered) {
        Map<String, Integer> found = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        List<List<Optional<FaceCrop>>> crops = new ArrayList<>();
        for (FaceDetector d : detectors) {
            FaceIngestor ingestor = new FaceIngestor(spec, d);
            List<Optional<FaceCrop>> mine = new ArrayList<>();
            long t0 = System.nanoTime();
            for (Clip c : clips) {
                AvSpeechSegment s = c.segment();
                Path video = rendered.get(c.video());
                double[] hint;
                try (FFmpegFrameGrabber probe = new FFmpegFrameGrabber(video.toFile())) {
                    probe.start();
                    hint = v.hint().apply(s.hintX(), s.hintY(), probe.getImageWidth(), probe.getImageHeight());
                    probe.stop();
                } catch (FrameGrabber.Exception e) {
                    throw new IllegalStateException("FFmpeg cannot read the rendered video " + video + ".", e);
                }
                try {
                    mine.add(Optional.of(ingestor.ingest(video, s.startS(), s.endS(), clamp(hint[0]), clamp(hint[1]))));
                } catch (RejectException e) {
                    mine.add(Optional.empty());
                }
            }
            seconds.put(d.name(), (System.nanoTime() - t0) / 1e9);
            found.put(d.name(), (int) mine.stream().filter(Optional::isPresent).count());
            crops.add(mine);
        }
        int both = 0;
        int agreeing = 0;
        double iouSum = 0;
        for (int i = 0; i < clips.size(); i++) {
            if (crops.get(0).get(i).isPresent() && crops.get(1).get(i).isPresent()) {
                double iou = crops.get(0).get(i).get().bbox().iou(crops.get(1).get(i).get().bbox());
                both++;
                iouSum += iou;
                agreeing += iou >= 0.5 ? 1 : 0;
            }
        }
        return new Row(v.name(), clips.size(), found, seconds, both, both == 0 ? Double.NaN : iouSum / both, agreeing);
    }

    private static double clamp(double f) {
        return Math.max(0, Math.min(1, f));
    }

    /**
     * The video re-encoded through the variant's filter by the {@code ffmpeg} program (JavaCV's FFmpeg lacks the
     * GPL-only perspective filter): MPEG-4 at quality 2, no audio, the same frame rate.
     */
    private Path render(Path video, FrameVariant v) throws IOException {
        if (v.filter() == null) {
            return video;
        }
        Files.createDirectories(work);
        String base = video.getFileName().toString().replaceAll("\\.[^.]+$", "");
        Path out = work.resolve(base + "-" + v.name().replaceAll("[^A-Za-z0-9.]+", "_") + ".mp4");
        int w;
        int h;
        try (FFmpegFrameGrabber probe = new FFmpegFrameGrabber(video.toFile())) {
            probe.start();
            w = probe.getImageWidth();
            h = probe.getImageHeight();
            probe.stop();
        }
        List<String> cmd = List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", video.toString(), "-vf",
                v.filter().at(w, h), "-an", "-c:v", "mpeg4", "-q:v", "2", out.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("The detector benchmark renders its variants with the ffmpeg program, which is not"
                    + " on the PATH (apt-get install ffmpeg).", e);
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("ffmpeg could not render " + video + " as " + v.name() + ": " + log.trim());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while rendering " + video + ".", e);
        }
        return out;
    }
}
