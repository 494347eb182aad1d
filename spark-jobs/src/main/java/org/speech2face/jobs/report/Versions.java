package org.speech2face.jobs.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions of the product and of the stack it runs on, for every report: a figure is only as good as its context. */
public final class Versions {
    private static final Map<String, String> ALL = load();

    private Versions() {
    }

    public static Map<String, String> all() {
        return ALL;
    }

    public static String s2f() {
        return ALL.getOrDefault("speech2face", "unknown");
    }

    private static Map<String, String> load() {
        Map<String, String> m = new LinkedHashMap<>();
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/s2f-versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Reports still name the runtime versions below.
        }
        for (String k : new String[]{"speech2face", "spark", "dl4j", "ffmpeg", "opencv", "javacpp"}) {
            m.put(k, p.getProperty(k, "unknown"));
        }
        m.put("spark_runtime", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return java.util.Collections.unmodifiableMap(m);
    }
}
