package org.speech2face.jobs.evaluate;

import java.io.Serializable;

import org.speech2face.faceapi.RgbImage;
import java.util.List;

/**
 * Recognises one attribute of a face (gender for Table 5, age group for Table 6), the way the paper used the Face++
 * API on generated faces. Pluggable: an implementation may look at the pixels ({@link FaceApiRecogniser}), at the
 * feature network's Ff of them ({@link LogisticAttributeRecogniser}), or at both, and is shipped to executors with the
 * task, so it must be serialisable and thread-safe.
 */
public interface FaceAttributeRecogniser extends Serializable {

    /**
     * A face to recognise: its pixels (a generated face at the decoder's side, or a real crop as ingest stored it) and
     * the feature network's Ff of the face (VGGFace fc7, or the dlib descriptor).
     */
    record Face(RgbImage image, float[] features) {
    }

    /** {@code gender} or {@code age}. */
    String attribute();

    /** The groups it answers with, in the order the table prints them (e.g. male, female). */
    List<String> groups();

    /** One line for the report: what it is, what it learnt from, how well it did there. */
    String description();

    /** The group of {@code face}, one of {@link #groups()}. */
    String recognise(Face face);
}
