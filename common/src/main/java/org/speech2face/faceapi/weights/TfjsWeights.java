package org.speech2face.faceapi.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a TensorFlow.js weights manifest ({@code *-weights_manifest.json}) and its binary shards into named float
 * tensors. The manifest lists groups; a group's tensors are stored back to back, in manifest order, across the
 * concatenation of its shard files (a tensor may straddle two shards). Quantised tensors hold one unsigned integer
 * q per value and decode as {@code q * scale + min}, computed in double and stored as float32, as TF.js does.
 */
public final class TfjsWeights {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, TfjsTensor> tensors;

    private TfjsWeights(Map<String, TfjsTensor> tensors) {
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Reads {@code manifest} and the shards it names, which must sit beside it. */
    public static TfjsWeights read(Path manifest) throws IOException {
        JsonNode root;
        try (InputStream in = Files.newInputStream(manifest)) {
            root = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(manifest.toString(), null, "the weights manifest does not exist");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("The weights manifest " + manifest + " is not valid JSON: "
                    + e.getOriginalMessage() + ".", e);
        }
        if (root == null || !root.isArray()) {
            throw new IOException("The weights manifest " + manifest + " is not a JSON array of weight groups.");
        }
        Map<String, TfjsTensor> out = new LinkedHashMap<>();
        for (JsonNode group : root) {
            byte[] bytes = concatShards(manifest, group);
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode w : required(group, "weights", manifest)) {
                TfjsTensor t = decode(w, buf, manifest);
                if (out.put(t.name(), t) != null) {
                    throw new IOException("The weights manifest " + manifest + " names tensor '" + t.name() + "' twice.");
                }
            }
            if (buf.hasRemaining()) {
                throw new IOException("The shards of " + manifest + " hold " + buf.remaining()
                        + " bytes more than the manifest's tensors; the files do not belong together.");
            }
        }
        return new TfjsWeights(out);
    }

    /** The tensor called {@code name}. @throws IllegalArgumentException naming it when it is not there */
    public TfjsTensor get(String name) {
        TfjsTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("The weights have no tensor '" + name + "' (they have " + tensors.size()
                    + " tensors" + (tensors.isEmpty() ? "" : ", e.g. '" + tensors.keySet().iterator().next() + "'")
                    + ").");
        }
        return t;
    }

    public Map<String, TfjsTensor> all() {
        return tensors;
    }

    private static byte[] concatShards(Path manifest, JsonNode group) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (JsonNode p : required(group, "paths", manifest)) {
            Path dir = manifest.toAbsolutePath().normalize().getParent();
            Path shard = dir.resolve(p.asText()).normalize();
            if (!dir.equals(shard.getParent())) {
                throw new IOException("The weights manifest " + manifest + " names shard '" + p.asText()
                        + "' outside its own folder.");
            }
            try {
                all.write(Files.readAllBytes(shard));
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(shard.toString(), null,
                        "a weights shard named by " + manifest.getFileName() + " is missing");
            }
        }
        return all.toByteArray();
    }

    private static TfjsTensor decode(JsonNode w, ByteBuffer buf, Path manifest) throws IOException {
        String name = required(w, "name", manifest).asText();
        List<Integer> dims = new ArrayList<>();
        for (JsonNode d : required(w, "shape", manifest)) {
            dims.add(d.asInt());
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IOException("Tensor '" + name + "' in " + manifest + " has a negative dimension " + d + ".");
            }
            n *= d;
        }
        String dtype = required(w, "dtype", manifest).asText();
        JsonNode q = w.get("quantization");
        float[] values = new float[Math.toIntExact(n)];
        String stored = q == null ? dtype : q.path("dtype").asText();
        int width = switch (stored) {
            case "uint8", "bool" -> 1;
            case "uint16" -> 2;
            case "float32", "int32" -> 4;
            default -> throw new IOException("Tensor '" + name + "' in " + manifest + " is stored as '" + stored
                    + "'; this reader knows float32, int32, bool, and uint8 or uint16 quantisation.");
        };
        if (buf.remaining() < n * width) {
            throw new IOException("The shards of " + manifest + " end inside tensor '" + name + "' (needs " + n * width
                    + " bytes, " + buf.remaining() + " left); a shard is truncated or missing.");
        }
        if (q != null) {
            double scale = required(q, "scale", manifest).asDouble();
            double min = required(q, "min", manifest).asDouble();
            for (int i = 0; i < n; i++) {
                int v = width == 1 ? buf.get() & 0xFF : buf.getShort() & 0xFFFF;
                double x = v * scale + min;
                values[i] = "int32".equals(dtype) ? (float) Math.round(x) : (float) x;
            }
        } else {
            for (int i = 0; i < n; i++) {
                values[i] = switch (stored) {
                    case "float32" -> buf.getFloat();
                    case "int32" -> buf.getInt();
                    default -> buf.get();
                };
            }
        }
        return new TfjsTensor(name, shape, values);
    }

    private static JsonNode required(JsonNode node, String field, Path manifest) throws IOException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IOException("The weights manifest " + manifest + " has an entry without '" + field + "': "
                    + abbreviate(node.toString()) + ".");
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
