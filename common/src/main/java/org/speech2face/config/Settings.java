package org.speech2face.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Typed reads from a merged config whose failures name the key, the value and its origin in one line. Kept apart
 * from the records so that each record's {@code from} method reads as a plain list of its keys.
 */
final class Settings {
    private static final Pattern HAS_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

    private static final Pattern FIELD_MESSAGE = Pattern.compile("^([a-z][A-Za-z0-9]*) (.*)$");

    private final Config config;

    Settings(Config config) {
        this.config = config;
    }

    String string(String key) {
        try {
            String v = config.getString(key);
            if (v.isBlank()) {
                throw new ConfigError("Config key '" + key + "' is empty" + origin(key) + ".");
            }
            return v;
        } catch (ConfigException e) {
            throw typed(key, "a string", e);
        }
    }

    boolean bool(String key) {
        try {
            return config.getBoolean(key);
        } catch (ConfigException e) {
            throw typed(key, "a boolean (true or false)", e);
        }
    }

    int intIn(String key, int min, int max) {
        int v;
        try {
            v = config.getInt(key);
        } catch (ConfigException e) {
            throw typed(key, "a whole number", e);
        }
        if (v < min || v > max) {
            throw new ConfigError("Config key '" + key + "' must be between " + min + " and " + max + "; got " + v
                    + origin(key) + ".");
        }
        return v;
    }

    long longIn(String key) {
        try {
            return config.getLong(key);
        } catch (ConfigException e) {
            throw typed(key, "a whole number", e);
        }
    }

    List<Integer> ints(String key, int min, int max) {
        List<Integer> v;
        try {
            v = config.getIntList(key);
        } catch (ConfigException e) {
            throw typed(key, "a list of whole numbers", e);
        }
        for (int x : v) {
            if (x < min || x > max) {
                throw new ConfigError("Config key '" + key + "' must hold numbers between " + min + " and " + max
                        + "; got " + x + origin(key) + ".");
            }
        }
        return List.copyOf(v);
    }

    double doubleIn(String key, double min, double max) {
        double v;
        try {
            v = config.getDouble(key);
        } catch (ConfigException e) {
            throw typed(key, "a number", e);
        }
        if (!(v >= min && v <= max)) {
            throw new ConfigError("Config key '" + key + "' must be between " + min + " and " + max + "; got " + v
                    + origin(key) + ".");
        }
        return v;
    }

    List<String> strings(String key) {
        try {
            List<String> v = config.getStringList(key);
            if (v.isEmpty()) {
                throw new ConfigError("Config key '" + key + "' must list at least one value" + origin(key) + ".");
            }
            return List.copyOf(v);
        } catch (ConfigException e) {
            throw typed(key, "a list of strings", e);
        }
    }

    <E extends Enum<E>> E oneOf(String key, Class<E> type) {
        String v = string(key);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.replace('-', '_'))) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new ConfigError("Config key '" + key + "' must be one of " + allowed + "; got '" + v + "'" + origin(key) + ".");
    }

    /**
     * A location as a URI string: kept as written when it has a scheme (hdfs:, s3a:, file:), made absolute against
     * the working directory otherwise, so executors on other machines never see a relative path.
     */
    String location(String key) {
        String v = string(key);
        if (HAS_SCHEME.matcher(v).matches()) {
            return v;
        }
        return new File(v).toPath().toAbsolutePath().normalize().toUri().toString().replaceAll("/$", "");
    }

    /**
     * Builds a recipe record whose constructor validates; its complaint about a field (e.g. "framesPerSegment must
     * be ...") is reworded to name the config key the user wrote ("ingest.faces.frames-per-segment").
     */
    <T> T record(String section, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            java.util.regex.Matcher m = FIELD_MESSAGE.matcher(msg);
            if (m.matches()) {
                String key = section + "." + m.group(1).replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
                if (config.hasPath(key)) {
                    throw new ConfigError("Config key '" + key + "' " + m.group(2) + origin(key), e);
                }
            }
            throw new ConfigError("Config section '" + section + "' is invalid: " + msg, e);
        }
    }

    Config raw() {
        return config;
    }

    private String origin(String key) {
        if (!config.hasPathOrNull(key)) {
            return "";
        }
        String d = config.getValue(key).origin().description();
        return d == null || d.isBlank() ? "" : " (" + d + ")";
    }

    private ConfigError typed(String key, String what, ConfigException e) {
        if (e instanceof ConfigException.Missing) {
            return new ConfigError("Config key '" + key + "' is missing; it must be " + what + ".", e);
        }
        String got = config.hasPathOrNull(key) ? " got '" + config.getValue(key).unwrapped() + "'" : "";
        return new ConfigError("Config key '" + key + "' must be " + what + ";" + got + origin(key) + ".", e);
    }
}
