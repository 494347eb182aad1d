package org.speech2face.faceapi;

import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Path;
import org.speech2face.faceapi.fetch.ModelFetchException;
import org.speech2face.faceapi.fetch.ModelFetcher;
import org.speech2face.faceapi.fetch.ModelsDirectory;

/**
 * The real face-api weights for tests, fetched once into the models cache ({@code S2F_MODELS_DIR}, else
 * {@code ~/.cache/speech2face/models}) and reused by every later test and run. When the registry cannot be reached
 * a test is skipped with the reason, unless {@code CI} is set: CI must test the real networks.
 */
public final class FaceApiModels {
    private static Path dir;
    private static String failure;

    private FaceApiModels() {
    }

    public static synchronized Path dir() {
        if (dir == null && failure == null) {
            Path d = ModelsDirectory.resolve(null);
            try {
                ModelFetcher.faceApi(System.getenv()).fetch(d);
                dir = d;
            } catch (ModelFetchException e) {
                failure = e.getMessage();
            }
        }
        if (dir == null) {
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank()) {
                throw new IllegalStateException("CI is set, so the face-api weights must be available: " + failure);
            }
            abort("Skipped: the face-api weights are not cached and could not be fetched (" + failure + ").");
        }
        return dir;
    }
}
