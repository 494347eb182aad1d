package org.speech2face.faceapi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.speech2face.faceapi.nets.AgeGenderNet;
import org.speech2face.faceapi.nets.FaceDescriptorNet;
import org.speech2face.faceapi.nets.SsdMobilenetV1;
import org.speech2face.faceapi.nets.SsdPostProcessing;
import org.speech2face.faceapi.nets.SsdPostProcessing.Detection;

/**
 * The descriptor, age and gender of the face in an image, as face-api's {@code detectSingleFace(...)
 * .withAgeAndGender()} computes them: the best-scoring SSD detection is cut out of the image (its box clipped to
 * the image and floored) and each network pads and resizes that crop itself. Without detection the whole image is
 * taken as the face. face-api aligns faces with its landmark network before the descriptor; this project has no
 * landmark network, so the descriptor here is of the unaligned crop.
 */
public final class FaceAttributes {
    private final FaceDescriptorNet descriptor;
    private final AgeGenderNet ageGender;
    private final SsdMobilenetV1 detector;

    /** One face's attributes. @param face the detection the crop came from, empty for a whole-image face */
    public record Result(float[] descriptor, double age, String gender, double genderProbability,
                         Optional<Detection> face) {
    }

    /** No face was found where one was asked for; the message says in which image and with what threshold. */
    public static final class NoFaceException extends Exception {
        private static final long serialVersionUID = 1L;

        NoFaceException(String message) {
            super(message);
        }
    }

    private FaceAttributes(FaceDescriptorNet descriptor, AgeGenderNet ageGender, SsdMobilenetV1 detector) {
        this.descriptor = descriptor;
        this.ageGender = ageGender;
        this.detector = detector;
    }

    /** Loads the networks from {@code modelsDir}; the detector only when {@code withDetector}. */
    public static FaceAttributes load(Path modelsDir, boolean withDetector) throws IOException {
        return new FaceAttributes(FaceDescriptorNet.load(modelsDir), AgeGenderNet.load(modelsDir),
                withDetector ? SsdMobilenetV1.load(modelsDir) : null);
    }

    /** The attributes of the whole image taken as an aligned face. */
    public Result ofAlignedFace(RgbImage face) {
        return attributes(face, Optional.empty());
    }

    /**
     * The attributes of the best-scoring face the detector finds in {@code image}.
     *
     * @throws NoFaceException when no detection reaches face-api's default minimum confidence
     */
    public Result ofBestFace(RgbImage image, String what) throws NoFaceException {
        if (detector == null) {
            throw new IllegalStateException("These face attributes were loaded without the detector.");
        }
        List<Detection> faces = SsdPostProcessing.locate(detector.forward(List.of(image)).get(0), image.width(),
                image.height(), SsdPostProcessing.DEFAULT_MIN_CONFIDENCE, SsdPostProcessing.DEFAULT_MAX_RESULTS);
        Optional<Detection> best = faces.stream().max(Comparator.comparingDouble(Detection::score));
        Optional<RgbImage> crop = best.flatMap(d -> crop(image, d));
        if (crop.isEmpty()) {
            throw new NoFaceException("No face found in " + what + " (" + image.width() + "x" + image.height()
                    + ", SSD MobileNet v1 at minimum confidence " + SsdPostProcessing.DEFAULT_MIN_CONFIDENCE
                    + "); pass --no-detect if the image is itself a face crop.");
        }
        return attributes(crop.get(), best);
    }

    private Result attributes(RgbImage face, Optional<Detection> detection) {
        float[] d = descriptor.describe(List.of(face))[0];
        AgeGenderNet.AgeGender ag = ageGender.predict(List.of(face)).get(0);
        return new Result(d, ag.age(), ag.gender(), ag.genderProbability(), detection);
    }

    /** face-api's {@code extractFaceTensors}: the box clipped to the image, then floored; empty if nothing is left. */
    public static Optional<RgbImage> crop(RgbImage image, Detection d) {
        double x = Math.max(d.x(), 0);
        double y = Math.max(d.y(), 0);
        double w = Math.min(d.x() + d.width() - x, image.width() - x);
        double h = Math.min(d.y() + d.height() - y, image.height() - y);
        int ix = (int) Math.floor(x);
        int iy = (int) Math.floor(y);
        int iw = (int) Math.floor(w);
        int ih = (int) Math.floor(h);
        if (iw <= 0 || ih <= 0) {
            return Optional.empty();
        }
        return Optional.of(image.crop(ix, iy, Math.min(iw, image.width() - ix), Math.min(ih, image.height() - iy)));
    }
}
