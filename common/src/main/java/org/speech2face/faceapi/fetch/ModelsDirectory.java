package org.speech2face.faceapi.fetch;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the face-api models live: {@code --models-dir}, else the environment variable {@code S2F_MODELS_DIR}, else
 * {@code ~/.cache/speech2face/models}. The config key {@code models.dir} has the same default (reference.conf reads
 * the same variable), and the commands take {@code --models-dir}, else that key.
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

    /** {@code --models-dir} when given ({@code flag} not null), else the configured {@code models.dir}. */
    public static Path resolve(String flag, String configured) {
        return flag != null ? resolve(flag, Map.of()) : fromConfig(configured);
    }

    /**
     * The folder {@code models.dir} names (a {@code file:} location, as the config gives plain paths): the models live
     * on the machine that starts s2f, and Spark ships them to the executors.
     *
     * @throws ModelFetchException naming the value when it is not a local folder
     */
    public static Path fromConfig(String location) {
        if (location == null || !location.startsWith("file:")) {
            throw new ModelFetchException("Config key 'models.dir' must be a folder on the machine that starts s2f"
                    + " (a path or a file: URI); got '" + location + "'. Spark ships the model files to the executors"
                    + " from there.");
        }
        try {
            return Path.of(java.net.URI.create(location)).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            throw new ModelFetchException("Config key 'models.dir' names '" + location + "', which is not a file: URI"
                    + " with an absolute path (" + e.getMessage() + ").", e);
        }
    }
}
