package org.speech2face.contracts;

import java.util.Arrays;
import java.util.Locale;

/**
 * The pipeline's stages by their command-line names: the producer every dataset, reject, report and checkpoint
 * names, so that a name is spelt in one place.
 */
public enum Stage {
    INGEST_FACES, INGEST_AUDIO, FACE_FEATURES, TRAIN_GENDER, PREDICT_GENDER, FACE_PRIOR, TRAIN_DECODER, TRAIN_ENCODER,
    EVALUATE, GENERATE, EXPORT;

    /** The command-line name, e.g. {@code ingest-faces}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The stage named {@code id}; an error that lists the stages otherwise. */
    public static Stage of(String id) {
        for (Stage s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown stage '" + id + "'; the stages are "
                + Arrays.stream(values()).map(Stage::id).toList() + ".");
    }

    @Override
    public String toString() {
        return id();
    }
}
