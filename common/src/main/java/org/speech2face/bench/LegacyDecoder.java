package org.speech2face.bench;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.speech2face.model.layers.FastDeconvolution;

/**
 * The decoder training graph as this project built it before issue 18, for measuring what the change gained in the
 * same run: DL4J's own Deconvolution2D for the stride-2 layers (libnd4j's generic kernels, DL4J's alignment) and
 * frozen VGGFace convolutions that compute weight gradients for FrozenLayerWithBackprop to throw away. Made from
 * today's configuration by rewriting its JSON, so every other layer is the same.
 */
public final class LegacyDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LegacyDecoder() {
    }

    /** {@code current} with the two changes of issue 18 undone. */
    public static ComputationGraphConfiguration of(ComputationGraphConfiguration current) {
        try {
            JsonNode root = JSON.readTree(current.toJson());
            undo(root);
            return ComputationGraphConfiguration.fromJson(JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not rewrite the decoder configuration's JSON.", e);
        }
    }

    private static void undo(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode type = o.get("@class");
            if (type != null && FastDeconvolution.class.getName().equals(type.asText())) {
                o.put("@class", Deconvolution2D.class.getName());
                o.remove("alignment");
            }
            o.remove("frozenWeights");
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                undo(it.next().getValue());
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode child : node) {
                undo(child);
            }
        }
    }
}
