package org.speech2face.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a checkpoint says about itself, stored beside the model as {@code metadata.json}: the contract between the
 * training stages that write checkpoints and evaluate and generate, which read them.
 *
 * @param profile    model profile id ({@code paper} / {@code tiny})
 * @param variant    what was trained, e.g. {@code decoder} or {@code encoder/neutral+fc}
 * @param epoch      epochs completed (1 after the first epoch)
 * @param configHash SHA-256 of the graph configuration with its counters zeroed (see {@code Checkpoints#configHash})
 * @param provenance the stage that trained it and the artefacts it was trained against
 * @param lossTerms  the loss terms after the epoch, e.g. {@code total -> 0.41}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CheckpointMetadata(String profile, String variant, int epoch, String configHash, Provenance provenance,
                                 Map<String, Double> lossTerms) {

    public CheckpointMetadata {
        if (profile == null || profile.isBlank() || variant == null || variant.isBlank()) {
            throw new IllegalArgumentException("Checkpoint metadata needs a profile and a variant, got '" + profile
                    + "' and '" + variant + "'.");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("Checkpoint epoch must be non-negative, got " + epoch + ".");
        }
        if (provenance == null) {
            throw new IllegalArgumentException("Checkpoint metadata of " + variant + " needs a provenance.");
        }
        lossTerms = lossTerms == null ? Map.of() : Map.copyOf(new TreeMap<>(lossTerms));
    }

    /** Reads today's JSON and that of checkpoints written before provenance was typed ({@code weightsIds}). */
    @JsonCreator
    static CheckpointMetadata fromJson(@JsonProperty("profile") String profile, @JsonProperty("variant") String variant,
                                       @JsonProperty("epoch") int epoch, @JsonProperty("configHash") String configHash,
                                       @JsonProperty("provenance") Provenance provenance,
                                       @JsonProperty("weightsIds") Map<String, String> legacyWeightsIds,
                                       @JsonProperty("lossTerms") Map<String, Double> lossTerms) {
        return new CheckpointMetadata(profile, variant, epoch, configHash,
                provenance != null ? provenance : Provenance.fromLegacy(variant, legacyWeightsIds), lossTerms);
    }

    /** The same metadata with {@code hash} as its config hash. */
    public CheckpointMetadata withConfigHash(String hash) {
        return new CheckpointMetadata(profile, variant, epoch, hash, provenance, lossTerms);
    }
}
