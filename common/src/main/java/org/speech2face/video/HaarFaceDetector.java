package org.speech2face.video;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * OpenCV's frontal-face Haar cascade ({@code haarcascade_frontalface_default.xml}, shipped inside the bytedeco
 * opencv jar, so no model file has to travel with the job).
 *
 * <p>Threads: OpenCV's {@link CascadeClassifier} keeps per-call scratch state and must not be used by two threads
 * at once. Each thread therefore gets its own classifier from a {@link ThreadLocal}, loaded on the thread's first
 * detection and kept for the thread's life, which in a Spark executor spans many tasks. A detector
 * instance may thus be shared or not; it holds only settings.
 */
public final class HaarFaceDetector implements FaceDetector {
    public static final String CASCADE = "haarcascade_frontalface_default.xml";

    /** The cascade's training window: it cannot see faces smaller than this. */
    private static final int WINDOW = 24;
    /** Faces at least this fraction of the shorter side are searched first. */
    private static final double LARGE_FACE_FRACTION = 0.25;
    /** The small-face pass reaches this much above the large-face pass's smallest size. */
    private static final double PASS_OVERLAP = 1.3;

    private static final ThreadLocal<CascadeClassifier> CLASSIFIER = ThreadLocal.withInitial(HaarFaceDetector::load);

    private final FaceCropSpec spec;

    public HaarFaceDetector(FaceCropSpec spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return FaceCrop.DETECTOR_HAAR;
    }

    /**
     * All faces in a BGR frame, in the frame's pixels. Detection runs on a grayscale, histogram-equalised copy
     * downscaled to at most {@link FaceCropSpec#detectionMaxSide()} pixels: the cascade was trained on equalised
     * gray windows, and its cost grows with the pixel count.
     */
    @Override
    public List<FaceBox> detect(Mat bgr) {
        return detect(bgr, null);
    }

    /**
     * Faces in a BGR frame, searching large faces first and small ones only when the large ones are not
     * {@code enough}. The cascade's cost lies almost all in the small scales (many windows over a large image),
     * while a talking head is usually large; the large-face pass costs about a quarter of a full search. The two
     * passes overlap in size so that a face on the boundary keeps its neighbours in one of them; a face found by
     * both is reported once.
     *
     * @param enough decides from the large faces whether the small-face pass can be skipped; null searches all
     *               sizes in one pass
     */
    @Override
    public List<FaceBox> detect(Mat bgr, Predicate<List<FaceBox>> enough) {
        if (bgr == null || bgr.empty() || bgr.channels() != 3) {
            throw new IllegalArgumentException("Face detection needs a non-empty 3-channel BGR image, got "
                    + (bgr == null ? "null" : bgr.cols() + "x" + bgr.rows() + "x" + bgr.channels()) + ".");
        }
        double scale = Math.min(1.0, spec.detectionMaxSide() / (double) Math.max(bgr.cols(), bgr.rows()));
        try (Mat gray = new Mat(); Mat small = new Mat()) {
            cvtColor(bgr, gray, COLOR_BGR2GRAY);
            Mat input = gray;
            if (scale < 1.0) {
                try (Size size = new Size((int) Math.round(bgr.cols() * scale), (int) Math.round(bgr.rows() * scale))) {
                    resize(gray, small, size, 0, 0, INTER_AREA);
                }
                input = small;
            }
            equalizeHist(input, input);
            int shorter = Math.min(input.cols(), input.rows());
            int minSide = Math.max(WINDOW, (int) Math.round(spec.minFaceFraction() * shorter));
            int largeSide = (int) Math.round(LARGE_FACE_FRACTION * shorter);
            if (enough == null || largeSide <= minSide) {
                return run(input, minSide, 0, scale);
            }
            List<FaceBox> large = run(input, largeSide, 0, scale);
            if (enough.test(large)) {
                return large;
            }
            List<FaceBox> faces = new ArrayList<>(large);
            for (FaceBox f : run(input, minSide, (int) Math.round(largeSide * PASS_OVERLAP), scale)) {
                if (faces.stream().noneMatch(g -> g.iou(f) > 0.3)) {
                    faces.add(f);
                }
            }
            return faces;
        }
    }

    /** One detectMultiScale pass over sizes [minSide, maxSide] (0: no upper bound), boxes mapped to the source. */
    private List<FaceBox> run(Mat input, int minSide, int maxSide, double scale) {
        try (RectVector found = new RectVector(); IntPointer neighbours = new IntPointer();
             Size min = new Size(minSide, minSide); Size max = new Size(maxSide, maxSide)) {
            CLASSIFIER.get().detectMultiScale2(input, found, neighbours, spec.haarScaleFactor(),
                    spec.haarMinNeighbors(), 0, min, max);
            List<FaceBox> faces = new ArrayList<>((int) found.size());
            for (int i = 0; i < found.size(); i++) {
                Rect r = found.get(i);
                faces.add(new FaceBox((int) Math.round(r.x() / scale), (int) Math.round(r.y() / scale),
                        (int) Math.round(r.width() / scale), (int) Math.round(r.height() / scale), neighbours.get(i)));
            }
            return faces;
        }
    }

    private static CascadeClassifier load() {
        File file = CascadeFile.FILE;
        CascadeClassifier classifier = new CascadeClassifier();
        if (!classifier.load(file.getAbsolutePath())) {
            classifier.close();
            throw new IllegalStateException("OpenCV could not load the Haar cascade " + file + ".");
        }
        return classifier;
    }

    /** The cascade XML, extracted from the opencv jar once per JVM (JavaCPP caches it under ~/.javacpp/cache). */
    private static final class CascadeFile {
        static final File FILE = extract();

        private static File extract() {
            String resource = "/org/bytedeco/opencv/" + Loader.getPlatform() + "/share/opencv4/haarcascades/" + CASCADE;
            try {
                File f = Loader.cacheResource(CascadeClassifier.class, resource);
                if (f == null) {
                    throw new IllegalStateException("The Haar cascade " + resource + " is not on the class path;"
                            + " the opencv jar for platform " + Loader.getPlatform() + " is missing.");
                }
                return f;
            } catch (IOException e) {
                throw new UncheckedIOException("Could not extract the Haar cascade " + resource + ".", e);
            }
        }
    }
}
