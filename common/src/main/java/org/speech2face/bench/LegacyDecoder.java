package org.speech2face.bench;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.nd4j.linalg.activations.Activation;
import org.speech2face.model.layers.InPlaceRelu;
import org.speech2face.model.layers.FastDeconvolution;
import org.speech2face.model.layers.FrozenDense;

/**
 * The decoder training graph as this project built it before issue 18, for measuring what the change gained in the
 * same run: DL4J's own Deconvolution2D for the stride-2 layers (libnd4j's generic kernels, DL4J's alignment),
 * frozen VGGFace convolutions and fully connected layers that compute weight gradients for FrozenLayerWithBackprop
 * to throw away, and DL4J's copying ReLU after the decoder's batch norms. Made from today's configuration, so every other layer is the same.
 * The runtime changes (explicit 'Same' padding, ReLU's derivative from the output, the image loss without SameDiff)
 * apply to both, and so does the frozen layers' NoOp updater (no Adam moments for VGGFace: memory, not arithmetic).
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
            ComputationGraphConfiguration legacy = ComputationGraphConfiguration.fromJson(JSON.writeValueAsString(root));
            for (GraphVertex v : legacy.getVertices().values()) {
                if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof InPlaceRelu relu) {
                    ActivationLayer copying = new ActivationLayer.Builder().activation(Activation.RELU).build();
                    copying.setLayerName(relu.getLayerName());
                    lv.getLayerConf().setLayer(copying);
                }
            }
            return legacy;
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
            if (type != null && FrozenDense.class.getName().equals(type.asText())) {
                o.put("@class", DenseLayer.class.getName());
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
