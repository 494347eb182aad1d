package org.speech2face.model.io;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a checkpoint says about itself, stored beside the model as JSON.
 *
 * @param profile    model profile id ({@code paper} / {@code tiny})
 * @param variant    what was trained, e.g. {@code decoder} or {@code encoder/neutral+fc}
 * @param epoch      epochs completed (0-based count: 1 after the first epoch)
 * @param configHash SHA-256 of the graph configuration with its counters zeroed ({@link Checkpoints#configHash})
 * @param weightsIds ids of the weights this model was built from or against, e.g. {@code vggface -> random:7}
 * @param lossTerms  free-form figures, e.g. {@code train_loss -> 0.41}
 */
public record CheckpointMetadata(String profile, String variant, int epoch, String configHash,
                                 Map<String, String> weightsIds, Map<String, Double> lossTerms) {

    @JsonCreator
    public CheckpointMetadata(@JsonProperty("profile") String profile, @JsonProperty("variant") String variant,
                              @JsonProperty("epoch") int epoch, @JsonProperty("configHash") String configHash,
                              @JsonProperty("weightsIds") Map<String, String> weightsIds,
                              @JsonProperty("lossTerms") Map<String, Double> lossTerms) {
        if (profile == null || profile.isBlank() || variant == null || variant.isBlank()) {
            throw new IllegalArgumentException("Checkpoint metadata needs a profile and a variant, got '" + profile
                    + "' and '" + variant + "'.");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("Checkpoint epoch must be non-negative, got " + epoch + ".");
        }
        this.profile = profile;
        this.variant = variant;
        this.epoch = epoch;
        this.configHash = configHash;
        this.weightsIds = weightsIds == null ? Map.of() : Map.copyOf(new TreeMap<>(weightsIds));
        this.lossTerms = lossTerms == null ? Map.of() : Map.copyOf(new TreeMap<>(lossTerms));
    }
}
