package org.speech2face.faceapi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.speech2face.faceapi.nets.SsdMobilenetV1;
import org.speech2face.faceapi.nets.SsdPostProcessing;
import org.speech2face.video.FaceBox;
import org.speech2face.video.FaceDetector;

/**
 * face-api's SSD MobileNet v1 as a {@link FaceDetector} beside the Haar cascade: it sees faces the frontal cascade
 * misses (turned, tilted, small) at the price of a 512x512 network pass per frame. Boxes are face-api's, rounded
 * to whole pixels; the score is the detection's confidence (0..1).
 *
 * <p>Threads: a DL4J graph must not run two forward passes at once, so {@link #detect} is synchronized; give each
 * executor thread its own detector where throughput matters.
 */
public final class SsdMobilenetFaceDetector implements FaceDetector {
    public static final String NAME = "ssd-mobilenet";

    private final SsdMobilenetV1 net;
    private final double minConfidence;

    public SsdMobilenetFaceDetector(SsdMobilenetV1 net, double minConfidence) {
        if (!(minConfidence > 0 && minConfidence < 1)) {
            throw new IllegalArgumentException("The SSD detector's minimum confidence must lie strictly between 0 and 1;"
                    + " got " + minConfidence + ".");
        }
        this.net = net;
        this.minConfidence = minConfidence;
    }

    /** The detector from a models folder, at face-api's default minimum confidence (0.5). */
    public static SsdMobilenetFaceDetector load(Path modelsDir) throws IOException {
        return new SsdMobilenetFaceDetector(SsdMobilenetV1.load(modelsDir), SsdPostProcessing.DEFAULT_MIN_CONFIDENCE);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized List<FaceBox> detect(Mat bgr) {
        RgbImage image = RgbImage.fromBgr(bgr);
        List<SsdPostProcessing.Detection> found = SsdPostProcessing.locate(net.forward(List.of(image)).get(0),
                image.width(), image.height(), minConfidence, SsdPostProcessing.DEFAULT_MAX_RESULTS);
        List<FaceBox> boxes = new ArrayList<>(found.size());
        for (SsdPostProcessing.Detection d : found) {
            int x = (int) Math.round(d.x());
            int y = (int) Math.round(d.y());
            int w = (int) Math.round(d.x() + d.width()) - x;
            int h = (int) Math.round(d.y() + d.height()) - y;
            if (w > 0 && h > 0) { // a sliver under a pixel wide is no face to crop
                boxes.add(new FaceBox(x, y, w, h, d.score()));
            }
        }
        return boxes;
    }
}
