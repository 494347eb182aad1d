package org.speech2face.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a merged, resolved config through {@link ConfigKey}s: each value is checked once, by its key, and a value
 * outside its bounds becomes one sentence that names the key, the value and where it was set (a file and line, or
 * {@code --set key}). Records every key it reads, so a test can hold the code to the reference.
 */
final class Settings {
    private final Config config;
    private final Set<String> read = new TreeSet<>();

    Settings(Config config) {
        this.config = config;
    }

    <T> T get(ConfigKey<T> key) {
        String path = key.path();
        read.add(path);
        ConfigValue v = config.hasPath(path) ? config.getValue(path) : null;
        try {
            return key.parse(v);
        } catch (ConfigKey.Invalid e) {
            throw new ConfigError("Config key '" + path + "' must be " + key.expectation() + "; got " + e.got()
                    + origin(path) + ".");
        }
    }

    /** " (file.conf: 12)" or " (--set key)" after a value, or nothing when the origin is unknown. */
    String origin(String path) {
        if (!config.hasPathOrNull(path)) {
            return "";
        }
        String d = config.getValue(path).origin().description();
        return d == null || d.isBlank() ? "" : " (" + d + ")";
    }

    /** The keys read so far. */
    Set<String> keysRead() {
        return Collections.unmodifiableSet(read);
    }
}
