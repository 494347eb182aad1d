package org.speech2face.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Layers HOCON the way the launcher promises: {@code --set} overrides, over the {@code --conf} file (or the embedded
 * {@code conf/local.conf}), over {@code reference.conf}. Every key the user supplies must exist in reference.conf, so
 * a typo is an error at start-up rather than a default silently used for hours on a cluster.
 */
public final class ConfigLoader {
    /** The classpath resource used when no --conf is given. */
    public static final String EMBEDDED_DEFAULT = "conf/local.conf";
    /** Sections whose content is passed through without validation. */
    private static final Set<String> FREE_FORM = Set.of("spark.conf");

    private ConfigLoader() {
    }

    /**
     * Loads and validates. {@code confFile} may be null (embedded default); {@code overrides} are {@code key=value}.
     */
    public static S2fConfig load(String confFile, List<String> overrides) {
        Config referenceFile = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf",
                ConfigParseOptions.defaults().setAllowMissing(false));
        // Resolved (against system properties and, by HOCON's rules, the environment) for type and key look-ups.
        Config reference = referenceFile.withFallback(ConfigFactory.systemProperties()).resolve();
        Config file = confFile == null ? embeddedDefault() : parseFile(confFile);
        Config sets = parseOverrides(overrides, reference);
        Config user = sets.withFallback(file);
        rejectUnknownKeys(user, reference);
        Config merged = user.withFallback(referenceFile).withFallback(ConfigFactory.systemProperties());
        try {
            return S2fConfig.from(merged.resolve());
        } catch (ConfigException.UnresolvedSubstitution e) {
            throw new ConfigError("A config value refers to something that is not set: " + oneLine(e) + ".", e);
        }
    }

    private static Config embeddedDefault() {
        Config c = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), EMBEDDED_DEFAULT);
        if (c.isEmpty()) {
            throw new ConfigError("The embedded default config '" + EMBEDDED_DEFAULT
                    + "' is missing from the classpath; pass --conf FILE.");
        }
        return c;
    }

    private static Config parseFile(String path) {
        File f = new File(path);
        if (!f.isFile()) {
            throw new ConfigError("Config file '" + path + "' does not exist or is not a file.");
        }
        try {
            return ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF));
        } catch (ConfigException e) {
            throw new ConfigError("Config file '" + path + "' is not valid HOCON: " + oneLine(e) + ".", e);
        }
    }

    /**
     * Parses {@code key=value} pairs. The value is read as HOCON when the key's default is a number, boolean or list
     * (and kept as text when it is not valid HOCON), and taken literally when the default is a string, so
     * {@code spark.master=local[2]} needs no quoting.
     */
    static Config parseOverrides(List<String> overrides, Config reference) {
        Config out = ConfigFactory.empty("--set");
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ConfigError("--set expects key=value, got '" + kv + "'.");
            }
            String key = kv.substring(0, eq).trim();
            String raw = kv.substring(eq + 1).trim();
            ConfigValue value;
            ConfigValueType type = reference.hasPathOrNull(key) && !reference.getIsNull(key)
                    ? reference.getValue(key).valueType() : ConfigValueType.STRING;
            if (type == ConfigValueType.STRING || isFreeForm(key)) {
                value = ConfigValueFactory.fromAnyRef(raw, "--set " + key);
            } else {
                try {
                    value = ConfigFactory.parseString("v = " + raw).getValue("v");
                } catch (ConfigException e) {
                    // Not HOCON (e.g. "1,5"): kept as text, so the key's own check names the key and the value.
                    value = ConfigValueFactory.fromAnyRef(raw, "--set " + key);
                }
            }
            out = out.withValue(key, value.withOrigin(ConfigOriginFactory.newSimple("--set " + key)));
        }
        return out;
    }

    /** Walks the user's layers without resolving them, so substitutions such as ${home} do not need to resolve yet. */
    private static void rejectUnknownKeys(Config user, Config reference) {
        rejectUnknownKeys(user.root(), "", reference);
    }

    private static void rejectUnknownKeys(ConfigObject object, String prefix, Config reference) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String key = prefix + ConfigUtil.joinPath(e.getKey());
            if (isFreeForm(key)) {
                continue;
            }
            if (!reference.hasPathOrNull(key)) {
                ConfigValue leaf = e.getValue();
                while (leaf instanceof ConfigObject o && !o.isEmpty()) { // name the full key the user typed
                    Map.Entry<String, ConfigValue> first = o.entrySet().iterator().next();
                    key = key + "." + ConfigUtil.joinPath(first.getKey());
                    leaf = first.getValue();
                }
                String where = leaf.origin().description();
                throw new ConfigError("Unknown config key '" + key + "' (" + where + "). " + suggestion(key, reference));
            }
            if (e.getValue() instanceof ConfigObject child) {
                rejectUnknownKeys(child, key + ".", reference);
            }
        }
    }

    private static boolean isFreeForm(String key) {
        for (String prefix : FREE_FORM) {
            if (key.equals(prefix) || key.startsWith(prefix + ".")) {
                return true;
            }
        }
        return false;
    }

    private static String suggestion(String key, Config reference) {
        int dot = key.lastIndexOf('.');
        String parent = dot < 0 ? "" : key.substring(0, dot);
        Set<String> known = new TreeSet<>();
        Config scope = parent.isEmpty() ? reference : reference.hasPath(parent) ? reference.getConfig(parent) : null;
        if (scope == null) {
            return "There is no section '" + parent + "'.";
        }
        scope.root().keySet().forEach(known::add);
        return "Known keys" + (parent.isEmpty() ? "" : " under '" + parent + "'") + ": " + String.join(", ", known) + ".";
    }

    static String oneLine(ConfigException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
    }
}
