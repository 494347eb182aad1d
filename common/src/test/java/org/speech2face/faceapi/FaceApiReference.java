package org.speech2face.faceapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** The outputs face-api's own JavaScript gave on {@link ReferenceInputs} (made by bench/faceapi/make-reference.js). */
public final class FaceApiReference {
    public static final Map<String, JsonNode> BY_INPUT = load();

    private FaceApiReference() {
    }

    private static Map<String, JsonNode> load() {
        try (InputStream raw = FaceApiReference.class.getResourceAsStream("/faceapi/reference.json.gz")) {
            if (raw == null) {
                throw new IllegalStateException("The test resource /faceapi/reference.json.gz is missing; make it with"
                        + " bench/faceapi/make-reference.js.");
            }
            JsonNode root = new ObjectMapper().readTree(new GZIPInputStream(raw));
            Map<String, JsonNode> m = new LinkedHashMap<>();
            for (JsonNode e : root.get("inputs")) {
                m.put(e.get("name").asText(), e);
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] floats(JsonNode array) {
        float[] f = new float[array.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) array.get(i).asDouble();
        }
        return f;
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("Lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
