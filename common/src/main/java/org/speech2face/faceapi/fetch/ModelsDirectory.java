package org.speech2face.faceapi.fetch;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the face-api models live: {@code --models-dir}, else the environment variable {@code S2F_MODELS_DIR}, else
 * {@code ~/.cache/speech2face/models}.
 */
public final class ModelsDirectory {
    public static final String ENV = "S2F_MODELS_DIR";

    private ModelsDirectory() {
    }

    /** @param flag the {@code --models-dir} value, or null when not given */
    public static Path resolve(String flag, Map<String, String> env) {
        String chosen = flag != null ? flag : env.get(ENV);
        if (chosen != null) {
            if (chosen.isBlank()) {
                throw new ModelFetchException((flag != null ? "--models-dir" : ENV) + " is empty; give a folder.");
            }
            return Path.of(chosen).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "speech2face", "models");
    }

    public static Path resolve(String flag) {
        return resolve(flag, System.getenv());
    }
}
