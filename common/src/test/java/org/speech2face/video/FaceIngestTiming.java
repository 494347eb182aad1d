package org.speech2face.video;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.speech2face.data.RejectException;

/**
 * Times face ingestion of one segment against merely decoding it, the figure the preprocessing benchmark reports.
 * Usage: {@code FaceIngestTiming <video> <startS> <endS> <hintX> <hintY> [repeats]}. Runs are interleaved so that
 * load from other processes hits both sides alike; medians are printed.
 */
public final class FaceIngestTiming {
    private FaceIngestTiming() {
    }

    public static void main(String[] args) throws Exception {
        Path video = Path.of(args[0]);
        double start = Double.parseDouble(args[1]);
        double end = Double.parseDouble(args[2]);
        double hx = Double.parseDouble(args[3]);
        double hy = Double.parseDouble(args[4]);
        int repeats = args.length > 5 ? Integer.parseInt(args[5]) : 9;
        FaceIngestor ingestor = new FaceIngestor(FaceCropSpec.DEFAULT);
        int decoded = SegmentFrameSampler.decodeAllFrames(video, start, end);
        String outcome = ingestOnce(ingestor, video, start, end, hx, hy); // warm-up: natives, cascade
        double[] decode = new double[repeats];
        double[] ingest = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            SegmentFrameSampler.decodeAllFrames(video, start, end);
            long t1 = System.nanoTime();
            ingestOnce(ingestor, video, start, end, hx, hy);
            long t2 = System.nanoTime();
            decode[i] = (t1 - t0) / 1e6;
            ingest[i] = (t2 - t1) / 1e6;
        }
        double d = median(decode);
        double g = median(ingest);
        System.out.printf(Locale.ROOT, "%s [%.2f, %.2f] s: decode %d frames %.1f ms, face ingest %.1f ms,"
                        + " ratio %.2f (%s)%n", video.getFileName(), start, end, decoded, d, g, g / d, outcome);
    }

    /** Ingests once; a reject is a valid outcome to time (no_face costs the most: every frame is searched). */
    private static String ingestOnce(FaceIngestor ingestor, Path video, double start, double end, double hx,
                                     double hy) {
        try {
            FaceCrop crop = ingestor.ingest(video, start, end, hx, hy);
            return String.format(Locale.ROOT, "crop %s at %.2f s, score %.0f", crop.bbox(), crop.frameTimeS(),
                    crop.score());
        } catch (RejectException e) {
            return e.reason().code();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
