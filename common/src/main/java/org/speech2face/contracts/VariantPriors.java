package org.speech2face.contracts;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The prior face features an encoder variant is given, one per clip, as training gives them (section 3.1): the
 * neutral prior to every clip; the male or female prior by the clip's predicted voice gender for {@code gender};
 * the variant's own prior for {@code male} and {@code female}, which also see only clips of that predicted gender.
 * Each prior is the one of the largest face count n.
 *
 * @param neutral the neutral prior, or null when there is none
 * @param male    the male prior, or null
 * @param female  the female prior, or null
 */
public record VariantPriors(float[] neutral, float[] male, float[] female) implements Serializable {
    private static final String NEUTRAL = VoiceGender.NEUTRAL;
    private static final String MALE = VoiceGender.MALE;
    private static final String FEMALE = VoiceGender.FEMALE;

    /** The priors (priors/ names) a variant of {@code prior} reads, in a fixed order. */
    public static List<String> names(EncoderVariant.Prior prior) {
        return switch (prior) {
            case NONE -> List.of();
            case NEUTRAL -> List.of(NEUTRAL);
            case GENDER -> List.of(MALE, FEMALE);
            case MALE -> List.of(MALE);
            case FEMALE -> List.of(FEMALE);
        };
    }

    /**
     * Which priors a variant reads, as {@code name@n} (e.g. {@code male@500,female@300}), or {@code none}: recorded in
     * an encoder's checkpoint so that evaluation can tell when priors/ has changed since the encoder was trained.
     *
     * @param faceCounts the face count n of each prior used, by name
     */
    public static String ids(EncoderVariant.Prior prior, Map<String, Integer> faceCounts) {
        List<String> names = names(prior);
        if (names.isEmpty()) {
            return "none";
        }
        return names.stream().map(n -> n + "@" + faceCounts.get(n)).collect(Collectors.joining(","));
    }

    /**
     * Whether the variant is trained and evaluated on a clip whose voice was predicted {@code predictedGender}
     * (male, female, or null when there is no prediction).
     */
    public static boolean covers(EncoderVariant variant, String predictedGender) {
        return switch (variant.prior()) {
            case NONE, NEUTRAL -> true;
            case GENDER -> MALE.equals(predictedGender) || FEMALE.equals(predictedGender);
            case MALE -> MALE.equals(predictedGender);
            case FEMALE -> FEMALE.equals(predictedGender);
        };
    }

    /**
     * The prior of a clip for {@code variant}: null for non-prior. Fails, naming what is missing, when the variant
     * does not cover the clip or the needed prior does not exist.
     */
    public float[] forClip(EncoderVariant variant, String predictedGender) {
        if (!covers(variant, predictedGender)) {
            throw new IllegalArgumentException("Encoder variant " + variant.id() + " does not cover a clip whose voice "
                    + "was predicted " + predictedGender + ".");
        }
        return switch (variant.prior()) {
            case NONE -> null;
            case NEUTRAL -> require(neutral, "neutral");
            case GENDER -> require(MALE.equals(predictedGender) ? male : female, predictedGender);
            case MALE -> require(male, MALE);
            case FEMALE -> require(female, FEMALE);
        };
    }

    /** Whether every prior {@code variant} can ask for exists. */
    public boolean supports(EncoderVariant variant) {
        return switch (variant.prior()) {
            case NONE -> true;
            case NEUTRAL -> neutral != null;
            case GENDER -> male != null && female != null;
            case MALE -> male != null;
            case FEMALE -> female != null;
        };
    }

    private static float[] require(float[] prior, String name) {
        if (prior == null) {
            throw new IllegalStateException("There is no " + name + " prior in priors/; run face-prior first.");
        }
        return prior;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "VariantPriors[neutral %s, male %s, female %s]", dim(neutral), dim(male),
                dim(female));
    }

    private static String dim(float[] v) {
        return v == null ? "none" : v.length + "-d";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VariantPriors p && Arrays.equals(neutral, p.neutral) && Arrays.equals(male, p.male)
                && Arrays.equals(female, p.female);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(neutral) * 31 * 31 + Arrays.hashCode(male) * 31 + Arrays.hashCode(female);
    }
}
