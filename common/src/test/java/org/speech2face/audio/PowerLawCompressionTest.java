package org.speech2face.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PowerLawCompressionTest {

    /** Max relative error against Math.pow in double over floats whose bit patterns step from {@code from}. */
    private static double sweep(PowerLawCompression c, int fromBits, int toBits, int step) {
        double worst = 0.0;
        for (long bits = fromBits; bits <= toBits; bits += step) {
            float x = Float.intBitsToFloat((int) bits);
            double exact = Math.pow(x, c.power());
            float pos = c.apply(x);
            if (c.apply(-x) != -pos) {
                throw new AssertionError("Compression is not odd at " + x + ": " + c.apply(-x) + " vs " + pos + ".");
            }
            worst = Math.max(worst, Math.abs(pos - exact) / exact);
        }
        return worst;
    }

    @Test
    void matchesMathPowAcrossTheWholeNormalRange() {
        PowerLawCompression c = new PowerLawCompression(0.3);
        // Every exponent, about 8k mantissas each (step is odd so mantissas differ between exponents).
        double worst = sweep(c, Float.floatToRawIntBits(Float.MIN_NORMAL), Float.floatToRawIntBits(Float.MAX_VALUE), 1021);
        assertThat(worst).isLessThan(3e-6);
    }

    @Test
    void isAccurateForTheMagnitudesAnStftProduces() {
        PowerLawCompression c = new PowerLawCompression(0.3);
        // 1e-6 .. 1e3 densely: every 17th float.
        double worst = sweep(c, Float.floatToRawIntBits(1e-6f), Float.floatToRawIntBits(1e3f), 17);
        assertThat(worst).isLessThan(3e-6);
    }

    @Test
    void handlesZeroSubnormalsInfinityAndNaN() {
        PowerLawCompression c = new PowerLawCompression(0.3);
        assertThat(Float.floatToRawIntBits(c.apply(0.0f))).isEqualTo(Float.floatToRawIntBits(0.0f));
        assertThat(c.apply(-0.0f)).isEqualTo(-0.0f);
        assertThat(c.apply(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(c.apply(Float.NEGATIVE_INFINITY)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(c.apply(Float.NaN)).isNaN();
        double worst = sweep(c, 1, Float.floatToRawIntBits(Float.MIN_NORMAL) - 1, 4099);
        assertThat(worst).isLessThan(3e-6);
        assertThat(c.apply(Float.MIN_VALUE)).isEqualTo((float) Math.pow(Float.MIN_VALUE, 0.3));
    }

    @Test
    void otherPowersWorkToo() {
        for (double p : new double[] {0.1, 0.5, 1.0}) {
            PowerLawCompression c = new PowerLawCompression(p);
            double worst = sweep(c, Float.floatToRawIntBits(1e-20f), Float.floatToRawIntBits(1e20f), 4093);
            assertThat(worst).as("power %s", p).isLessThan(3e-6);
        }
        assertThat(new PowerLawCompression(1.0).apply(-3.25f)).isEqualTo(-3.25f);
    }

    @Test
    void bothPolynomialPathsFitTheMantissaPower() {
        // The JVM picks one path for good; check the other (plain multiply-add, or FMA) too.
        PowerLawCompression c = new PowerLawCompression(0.3);
        float[] k = c.mantissaCoefficients();
        for (int i = 0; i <= 1 << 16; i++) {
            float m = 1.0f + i / (float) (1 << 16);
            float u = m - 1.5f;
            double exact = Math.pow(m, 0.3);
            float plain = PowerLawCompression.horner(u, k[0], k[1], k[2], k[3], k[4], k[5]);
            float fused = PowerLawCompression.hornerFma(u, k[0], k[1], k[2], k[3], k[4], k[5]);
            if (Math.abs(plain - exact) > 2.5e-6 * exact || Math.abs(fused - exact) > 2.5e-6 * exact) {
                throw new AssertionError("m^0.3 at m = " + m + ": plain " + plain + ", fma " + fused + ", exact "
                        + exact + ".");
            }
        }
    }

    @Test
    void bulkAndScalarAgreeBitForBit() {
        PowerLawCompression c = new PowerLawCompression(0.3);
        float[] src = {0.0f, -0.0f, 1.0f, -2.5f, 1e-42f, -7.7e12f, Float.NaN, 0.125f, 3.3e-5f};
        float[] dst = new float[src.length + 2];
        c.apply(src, 0, dst, 2, src.length);
        for (int i = 0; i < src.length; i++) {
            assertThat(Float.floatToRawIntBits(dst[i + 2])).as("value %s", src[i])
                    .isEqualTo(Float.floatToRawIntBits(c.apply(src[i])));
        }
    }
}
