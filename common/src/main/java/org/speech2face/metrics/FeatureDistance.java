package org.speech2face.metrics;

/**
 * Table 4's three distances between two face features (Sf or VGGFace(FD(.)) against Ff), in double precision.
 *
 * <p>Normalisation: {@code L1 = sum_i |a_i - b_i|} and {@code L2 = sqrt(sum_i (a_i - b_i)^2)} over all the
 * feature's dimensions (4096 in the paper, 512 in the tiny profile), not divided by the dimension. That is what the
 * paper's figures are: in every row of its Table 4, L1 / L2 is 51.2-51.4, and for differences spread over n
 * dimensions the sum of absolute values over the Euclidean norm is {@code sqrt(2 n / pi)} = 51.1 for n = 4096
 * (a per-dimension mean would give 0.80, a squared L2 no constant ratio at all).
 *
 * <p>The angle is {@code acos(cos) * 180 / pi} with the cosine clamped to [-1, 1] against rounding. A zero vector
 * has no direction; following PyTorch's {@code cosine_similarity} (which divides by {@code max(|a| |b|, eps)}), its
 * cosine with anything, itself included, is 0, so the angle is 90 degrees: a collapsed, all-zero feature counts as
 * orthogonal to the target instead of turning the mean into NaN or earning a perfect 0 degrees.
 */
public final class FeatureDistance {
    private FeatureDistance() {
    }

    /** The three distances of one pair. */
    public record Distances(double l1, double l2, double angleDegrees) {
    }

    /** All three distances of {@code a} and {@code b}, in one pass. */
    public static Distances between(float[] a, float[] b) {
        requireSameLength(a, b);
        double l1 = 0;
        double sq = 0;
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double y = b[i];
            double d = x - y;
            l1 += Math.abs(d);
            sq += d * d;
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return new Distances(l1, Math.sqrt(sq), degrees(cosine(dot, na, nb)));
    }

    /** {@code sum_i |a_i - b_i|}. */
    public static double l1(float[] a, float[] b) {
        return between(a, b).l1();
    }

    /** {@code sqrt(sum_i (a_i - b_i)^2)}. */
    public static double l2(float[] a, float[] b) {
        return between(a, b).l2();
    }

    /** The cosine similarity; 0 when either vector is all zeros. */
    public static double cosine(float[] a, float[] b) {
        requireSameLength(a, b);
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return cosine(dot, na, nb);
    }

    /** The angle between the vectors in degrees, {@code acos(cos) * 180 / pi}; 90 when either is all zeros. */
    public static double angleDegrees(float[] a, float[] b) {
        return degrees(cosine(a, b));
    }

    /** Degrees of the angle whose cosine is {@code cos}, clamped into acos's domain. */
    public static double degrees(double cos) {
        return Math.acos(Math.max(-1.0, Math.min(1.0, cos))) * 180.0 / Math.PI;
    }

    private static double cosine(double dot, double squaredNormA, double squaredNormB) {
        double denominator = Math.sqrt(squaredNormA * squaredNormB); // one rounding: |cos| of parallel vectors is 1
        return denominator == 0 ? 0.0 : dot / denominator;
    }

    private static void requireSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("Features of " + a.length + " and " + b.length
                    + " values cannot be compared; both must have the profile's feature length.");
        }
        if (a.length == 0) {
            throw new IllegalArgumentException("Features must have at least one value, got empty vectors.");
        }
    }
}
