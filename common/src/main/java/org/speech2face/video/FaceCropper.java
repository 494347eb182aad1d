package org.speech2face.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;

/**
 * Picks the speaker's face among the detections of a segment's sampled frames and cuts the square crop.
 *
 * <p>The rule: AVSpeech's (x, y) hint marks the speaker. A detection counts when the hint lies within
 * {@link FaceCropSpec#maxHintDistance()} box sides of its centre. Among the counting detections of all the frames
 * given the one whose centre is nearest the hint, measured in its own box sides, wins; on a tie the larger box wins
 * (a larger detection of the same person is the sharper, more frontal view), then the earlier frame. Measuring in
 * box sides makes the rule scale-free: the same offset means more for a small face than for a large one.
 * ({@link FaceIngestor} stops decoding at the first frame with a counting detection, so there the rule picks
 * within that frame.)
 *
 * <p>The crop is the winning box widened by the margin on each side and squared around its centre. Where the
 * square leaves the frame it is padded with black rather than edge pixels, which would smear into streaks that the
 * face decoder would learn to draw. Resizing uses area averaging, the alias-free choice for shrinking.
 */
public final class FaceCropper {
    private final FaceCropSpec spec;
    private final String detector;

    public FaceCropper(FaceCropSpec spec) {
        this(spec, FaceCrop.DETECTOR_HAAR);
    }

    /** A cropper whose crops name {@code detector} as the detector behind them. */
    public FaceCropper(FaceCropSpec spec, String detector) {
        this.spec = spec;
        this.detector = detector;
    }

    /**
     * The crop of the speaker's face.
     *
     * @param source     the file name, for messages
     * @param frames     the segment's sampled frames, all of one size
     * @param detections the faces found in each frame, in the same order
     * @param hintX      the CSV's face centre x as a fraction of the frame width
     * @param hintY      the CSV's face centre y as a fraction of the frame height
     * @throws RejectException {@code NO_FACE} when no detection is near the hint and hint-only crops are off
     */
    public FaceCrop crop(String source, List<SampledFrame> frames, List<List<FaceBox>> detections, double hintX,
                         double hintY) throws RejectException {
        if (frames.isEmpty() || frames.size() != detections.size()) {
            throw new IllegalArgumentException("Need one detection list per sampled frame, got " + frames.size()
                    + " frames and " + detections.size() + " detection lists.");
        }
        checkHint(hintX, hintY);
        Optional<Candidate> best = choose(frames, detections, hintX, hintY);
        if (best.isPresent()) {
            Candidate c = best.get();
            SampledFrame frame = frames.get(c.frame);
            double side = Math.max(c.box.w(), c.box.h()) * (1 + 2 * spec.margin());
            return cut(frame, c.box.centreX(), c.box.centreY(), side, detector, c.box.score());
        }
        if (spec.hintOnlyCrop()) {
            SampledFrame frame = frames.get(frames.size() / 2);
            double side = spec.hintCropFraction() * Math.min(frame.width(), frame.height());
            return cut(frame, hintX * frame.width(), hintY * frame.height(), side, FaceCrop.DETECTOR_HINT, 0);
        }
        throw new RejectException(RejectReason.NO_FACE, noFaceMessage(source, frames, detections, hintX, hintY));
    }

    /** True when one of a frame's faces is near enough to the hint to count as the speaker. */
    public boolean anyNearHint(SampledFrame frame, List<FaceBox> faces, double hintX, double hintY) {
        return faces.stream().anyMatch(b -> hintDistance(b, frame, hintX, hintY) <= spec.maxHintDistance());
    }

    static void checkHint(double hintX, double hintY) {
        if (!(hintX >= 0 && hintX <= 1 && hintY >= 0 && hintY <= 1)) {
            throw new IllegalArgumentException("The face hint must be fractions in [0, 1], got (" + hintX + ", "
                    + hintY + ").");
        }
    }

    /** The detection nearest the hint, by the rule in the class comment. */
    Optional<Candidate> choose(List<SampledFrame> frames, List<List<FaceBox>> detections, double hintX,
                               double hintY) {
        List<Candidate> near = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            for (FaceBox box : detections.get(i)) {
                double d = hintDistance(box, frames.get(i), hintX, hintY);
                if (d <= spec.maxHintDistance()) {
                    near.add(new Candidate(i, box, d));
                }
            }
        }
        return near.stream().min(Comparator.comparingDouble(Candidate::distance)
                .thenComparing(c -> -c.box.area())
                .thenComparingInt(Candidate::frame));
    }

    /** Distance from the hint to the box centre, in box sides. */
    static double hintDistance(FaceBox box, SampledFrame frame, double hintX, double hintY) {
        double dx = hintX * frame.width() - box.centreX();
        double dy = hintY * frame.height() - box.centreY();
        return Math.hypot(dx, dy) / Math.max(box.w(), box.h());
    }

    /** Cuts the square of the given side centred at (cx, cy), padding outside the frame with black, and encodes it. */
    private FaceCrop cut(SampledFrame frame, double cx, double cy, double side, String detector, double score) {
        int s = Math.max(1, (int) Math.round(side));
        int x = (int) Math.round(cx - s / 2.0);
        int y = (int) Math.round(cy - s / 2.0);
        Mat bgr = frame.bgr();
        int ix0 = Math.max(0, x);
        int iy0 = Math.max(0, y);
        int ix1 = Math.min(bgr.cols(), x + s);
        int iy1 = Math.min(bgr.rows(), y + s);
        try (Scalar black = Scalar.all(0);
             Mat square = new Mat(s, s, opencv_core.CV_8UC3, black);
             Mat out = new Mat();
             BytePointer png = new BytePointer()) {
            if (ix1 > ix0 && iy1 > iy0) {
                try (Rect inside = new Rect(ix0, iy0, ix1 - ix0, iy1 - iy0);
                     Rect placed = new Rect(ix0 - x, iy0 - y, ix1 - ix0, iy1 - iy0);
                     Mat from = new Mat(bgr, inside);
                     Mat to = new Mat(square, placed)) {
                    from.copyTo(to);
                }
            }
            try (Size size = new Size(spec.outputSize(), spec.outputSize())) {
                resize(square, out, size, 0, 0, INTER_AREA);
            }
            // imencode takes OpenCV's BGR order and writes an ordinary RGB PNG.
            if (!imencode(".png", out, png)) {
                throw new IllegalStateException("OpenCV failed to encode a " + spec.outputSize() + " px face crop as PNG.");
            }
            byte[] bytes = new byte[(int) png.limit()];
            png.get(bytes);
            return new FaceCrop(frame.timeS(), x, y, s, s, detector, score, bytes, bgr.cols(), bgr.rows());
        }
    }

    private String noFaceMessage(String source, List<SampledFrame> frames, List<List<FaceBox>> detections,
                                 double hintX, double hintY) {
        StringBuilder seen = new StringBuilder();
        int total = 0;
        for (int i = 0; i < frames.size(); i++) {
            List<FaceBox> boxes = detections.get(i);
            total += boxes.size();
            seen.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%d at %.2f s", boxes.size(),
                    frames.get(i).timeS()));
            for (FaceBox b : boxes) {
                seen.append(String.format(Locale.ROOT, " %s %.2f sides away", b,
                        hintDistance(b, frames.get(i), hintX, hintY)));
            }
        }
        return String.format(Locale.ROOT, "No face within %.2f box sides of the hint (%.3f, %.3f) in %s: %d faces"
                        + " seen on %d sampled frames (%s).", spec.maxHintDistance(), hintX, hintY, source, total,
                frames.size(), seen);
    }

    /** A detection near the hint: which frame, which box, how far in box sides. */
    record Candidate(int frame, FaceBox box, double distance) {
    }
}
