package org.speech2face.contracts;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which priors a model is given: for each prior name (neutral, male, female), the prior over the most faces (the
 * largest n face-prior made) from the face features the model works in. Training, evaluation and generation all
 * choose through here, so an encoder is evaluated and used with the priors it was trained with.
 *
 * @param features the chosen prior of each name present
 * @param counts   the n of each chosen prior, by name
 */
public record PriorSelection(Map<String, float[]> features, Map<String, Integer> counts) implements Serializable {
    /** No priors at all (priors/ is empty or holds none of these features). */
    public static final PriorSelection NONE = new PriorSelection(Map.of(), Map.of());

    public PriorSelection {
        features = Map.copyOf(features);
        counts = Map.copyOf(counts);
    }

    /** One row of priors/ as the selection sees it; the feature is decoded only if the row is chosen. */
    public record Candidate(String name, int n, String vggfaceId, Supplier<float[]> feature) {
    }

    /** Chooses, among {@code candidates}, the largest n of each name made from {@code vggfaceId}'s features. */
    public static PriorSelection largest(Iterable<Candidate> candidates, String vggfaceId) {
        Map<String, Candidate> best = new HashMap<>();
        for (Candidate c : candidates) {
            if (vggfaceId.equals(c.vggfaceId()) && c.n() > best.getOrDefault(c.name(), LEAST).n()) {
                best.put(c.name(), c);
            }
        }
        Map<String, float[]> features = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        best.forEach((name, c) -> {
            features.put(name, c.feature().get());
            counts.put(name, c.n());
        });
        return new PriorSelection(features, counts);
    }

    private static final Candidate LEAST = new Candidate("", 0, "", () -> null);

    /** The chosen priors as the encoder variants read them (any may be missing). */
    public VariantPriors variantPriors() {
        return new VariantPriors(features.get(VoiceGender.NEUTRAL), features.get(VoiceGender.MALE),
                features.get(VoiceGender.FEMALE));
    }

    /** {@code name@n} of the priors {@code prior} reads ({@link VariantPriors#ids}), as a checkpoint records them. */
    public String ids(EncoderVariant.Prior prior) {
        return VariantPriors.ids(prior, counts);
    }
}
