package org.speech2face.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Table 4's distances against values worked out by hand and against a 50-digit reference. */
class FeatureDistanceTest {
    private static final MathContext MC = new MathContext(50);

    @Test
    void handComputedPairs() {
        // (1,0) vs (1,1): difference (0,-1); cos = 1/sqrt(2), so 45 degrees
        FeatureDistance.Distances d = FeatureDistance.between(new float[] {1, 0}, new float[] {1, 1});
        assertThat(d.l1()).isEqualTo(1.0);
        assertThat(d.l2()).isEqualTo(1.0);
        assertThat(d.angleDegrees()).isCloseTo(45.0, within(1e-12));

        // (1,2,3) vs (-2,0,1): difference (3,2,2), L1 7, L2 sqrt(17); cos = 1/(sqrt(14) sqrt(5)) = 1/sqrt(70)
        d = FeatureDistance.between(new float[] {1, 2, 3}, new float[] {-2, 0, 1});
        assertThat(d.l1()).isEqualTo(7.0);
        assertThat(d.l2()).isCloseTo(4.123105625617661, within(1e-15));
        assertThat(d.angleDegrees()).isCloseTo(83.13543366229368, within(1e-12));
        assertThat(FeatureDistance.cosine(new float[] {1, 2, 3}, new float[] {-2, 0, 1}))
                .isCloseTo(1 / Math.sqrt(70), within(1e-15));

        // opposite directions: 180 degrees; L1 = 3 + 3, L2 = sqrt(9 + 9)
        d = FeatureDistance.between(new float[] {1, 1}, new float[] {-2, -2});
        assertThat(d.l1()).isEqualTo(6.0);
        assertThat(d.l2()).isCloseTo(Math.sqrt(18), within(1e-15));
        assertThat(d.angleDegrees()).isEqualTo(180.0);
        // acos is ill-conditioned at +-1: one ulp of cosine is 1e-6 degrees there, so near-parallel pairs agree to that
        d = FeatureDistance.between(new float[] {1, 1}, new float[] {-2.5f, -2.5f});
        assertThat(d.angleDegrees()).isCloseTo(180.0, within(2e-6));
    }

    @Test
    void degreesAreAcosTimes180OverPiClampedAgainstRounding() {
        assertThat(FeatureDistance.degrees(0.5)).isCloseTo(60.0, within(1e-12));
        assertThat(FeatureDistance.degrees(0.0)).isCloseTo(90.0, within(1e-12));
        assertThat(FeatureDistance.degrees(-1.0)).isCloseTo(180.0, within(1e-12));
        assertThat(FeatureDistance.degrees(Math.sqrt(3) / 2)).isCloseTo(30.0, within(1e-12));
        assertThat(FeatureDistance.degrees(1.0 + 1e-12)).isEqualTo(0.0);
        assertThat(FeatureDistance.degrees(-1.0 - 1e-12)).isCloseTo(180.0, within(1e-12));
        float[] v = {0.1f, 0.2f, 0.3f, 1e-3f, -7.5f};
        assertThat(FeatureDistance.angleDegrees(v, v)).isCloseTo(0.0, within(1e-5));
        assertThat(FeatureDistance.between(v, v).l1()).isZero();
    }

    @Test
    void aZeroVectorIsOrthogonalToEverythingItselfIncluded() {
        float[] zero = {0, 0};
        FeatureDistance.Distances d = FeatureDistance.between(new float[] {3, 4}, zero);
        assertThat(d.l1()).isEqualTo(7.0);
        assertThat(d.l2()).isEqualTo(5.0);
        assertThat(d.angleDegrees()).isEqualTo(90.0);
        assertThat(FeatureDistance.between(zero, new float[] {-3, 4}).angleDegrees()).isEqualTo(90.0);
        FeatureDistance.Distances both = FeatureDistance.between(zero, zero);
        assertThat(both.l1()).isZero();
        assertThat(both.l2()).isZero();
        assertThat(both.angleDegrees()).isEqualTo(90.0);
        assertThat(FeatureDistance.cosine(zero, zero)).isZero();
    }

    @Test
    void matchesA50DigitReferenceAndAnAtan2AngleOnPaperSizedFeatures() {
        Random r = new Random(4096);
        for (int trial = 0; trial < 5; trial++) {
            float[] a = new float[4096];
            float[] b = new float[4096];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextGaussian() * 3 + 0.5);
                b[i] = (float) (a[i] * (0.2 * trial) + r.nextGaussian());
            }
            BigDecimal l1 = BigDecimal.ZERO;
            BigDecimal sq = BigDecimal.ZERO;
            BigDecimal dot = BigDecimal.ZERO;
            BigDecimal na = BigDecimal.ZERO;
            BigDecimal nb = BigDecimal.ZERO;
            for (int i = 0; i < a.length; i++) {
                BigDecimal x = new BigDecimal(a[i]);
                BigDecimal y = new BigDecimal(b[i]);
                BigDecimal diff = x.subtract(y);
                l1 = l1.add(diff.abs());
                sq = sq.add(diff.multiply(diff));
                dot = dot.add(x.multiply(y));
                na = na.add(x.multiply(x));
                nb = nb.add(y.multiply(y));
            }
            double cos = dot.divide(na.sqrt(MC).multiply(nb.sqrt(MC)), MC).doubleValue();
            FeatureDistance.Distances d = FeatureDistance.between(a, b);
            assertThat(d.l1()).isCloseTo(l1.doubleValue(), within(1e-11 * l1.doubleValue()));
            assertThat(d.l2()).isCloseTo(sq.sqrt(MC).doubleValue(), within(1e-12 * d.l2()));
            assertThat(FeatureDistance.cosine(a, b)).isCloseTo(cos, within(1e-12));
            // a different algorithm for the angle: 2 atan2(|a^ - b^|, |a^ + b^|) on the unit vectors
            double normA = na.sqrt(MC).doubleValue();
            double normB = nb.sqrt(MC).doubleValue();
            double minus = 0;
            double plus = 0;
            for (int i = 0; i < a.length; i++) {
                double u = a[i] / normA;
                double v = b[i] / normB;
                minus += (u - v) * (u - v);
                plus += (u + v) * (u + v);
            }
            double reference = Math.toDegrees(2 * Math.atan2(Math.sqrt(minus), Math.sqrt(plus)));
            assertThat(d.angleDegrees()).as("trial %d", trial).isCloseTo(reference, within(1e-9));
        }
    }

    @Test
    void unnormalisedSumsGiveThePapersL1OverL2Ratio() {
        // Table 4's L1/L2 is 51.2-51.5 in every row; un-normalised sums over 4096 dimensions give sqrt(2 * 4096 / pi)
        Random r = new Random(1);
        float[] a = new float[4096];
        float[] b = new float[4096];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * 0.05);
        }
        FeatureDistance.Distances d = FeatureDistance.between(a, b);
        assertThat(d.l1() / d.l2()).isCloseTo(Math.sqrt(2 * 4096 / Math.PI), within(1.0));
        assertThat(d.l1() / d.l2()).isBetween(50.0, 52.5);
    }

    @Test
    void refusesFeaturesOfDifferentLengths() {
        assertThatThrownBy(() -> FeatureDistance.between(new float[3], new float[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 and 4");
        assertThatThrownBy(() -> FeatureDistance.l1(new float[0], new float[0])).hasMessageContaining("empty");
    }
}
