package org.speech2face.contracts;

/**
 * The voice gender the classifier decides, as gender/, the priors and the gendered encoder variants spell it: one
 * decision rule (P(male) at or above one half says male), so train-gender's held-out accuracy, predict-gender's rows
 * and generate's choice of prior can never disagree about the same probability.
 */
public final class VoiceGender {
    public static final String MALE = "male";
    public static final String FEMALE = "female";
    /** The prior of every voice, whatever its gender. */
    public static final String NEUTRAL = "neutral";
    /** P(male) at or above this is a male voice. */
    public static final double MALE_THRESHOLD = 0.5;

    private VoiceGender() {
    }

    public static boolean isMale(double pMale) {
        return pMale >= MALE_THRESHOLD;
    }

    /** {@link #MALE} or {@link #FEMALE} for a P(male). */
    public static String of(double pMale) {
        return isMale(pMale) ? MALE : FEMALE;
    }
}
