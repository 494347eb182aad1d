package org.speech2face.audio;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * The power-law compression {@code sgn(x) |x|^p} of Speech2Face, applied to the real and imaginary parts of every
 * STFT value separately. It runs 307,372 times per 6 s segment, which makes {@link Math#pow} the bottleneck of the
 * whole spectrogram; this evaluates it from the float's bits instead:
 * <pre>
 *   |x| = m * 2^e with m in [1, 2)   =>   |x|^p = m^p * 2^(p e)
 * </pre>
 * {@code 2^(p e)} comes from a 254-entry table (one per normal exponent) and {@code m^p} from a degree-5
 * polynomial interpolating it at Chebyshev nodes on [1, 2], fitted in double precision when the instance is built,
 * so any p in (0, 1] works. The polynomial is within 1.8e-6 of {@code m^p} for every such p, so the relative error
 * stays below 3e-6 for every normal float (an STFT computed in float is no more exact than that); zero, subnormals,
 * infinities and NaN take an exact slow path. About 8x faster than {@code Math.pow}. Immutable and thread-safe.
 *
 * <p>The polynomial uses {@link Math#fma} when the JVM compiles it to one instruction (every x86 since 2013 and
 * every ARMv8), and plain multiply-add otherwise, because the JDK's software fallback for {@code fma} is orders
 * of magnitude slower. The two differ by float rounding only.
 */
public final class PowerLawCompression {
    private static final int DEGREE = 5;
    private static final int MANTISSA_MASK = 0x007f_ffff;
    private static final int ONE_BITS = 0x3f80_0000;
    private static final int SIGN_BIT = 0x8000_0000;
    private static final boolean HARDWARE_FMA = hardwareFma();

    private final double power;
    /** {@code 2^(p (e - 127))} for biased exponent e; entries 0 and 255 are never read. */
    private final float[] exponentScale = new float[256];
    private final float c0, c1, c2, c3, c4, c5;

    /** @param power p in (0, 1], the bound of {@code ingest.audio.compression-power}, checked by the config. */
    public PowerLawCompression(double power) {
        this.power = power;
        for (int e = 1; e < 255; e++) {
            exponentScale[e] = (float) Math.pow(2.0, power * (e - 127));
        }
        double[] c = mantissaPolynomial(power);
        c0 = (float) c[0];
        c1 = (float) c[1];
        c2 = (float) c[2];
        c3 = (float) c[3];
        c4 = (float) c[4];
        c5 = (float) c[5];
    }

    public double power() {
        return power;
    }

    /** The polynomial's coefficients c0..c5 in {@code u = m - 1.5}, for tests of both evaluation paths. */
    float[] mantissaCoefficients() {
        return new float[] {c0, c1, c2, c3, c4, c5};
    }

    /** {@code sgn(x) |x|^p}. */
    public float apply(float x) {
        int bits = Float.floatToRawIntBits(x);
        int biasedExponent = (bits >>> 23) & 0xff;
        if (isSpecial(biasedExponent)) {
            return special(x);
        }
        float u = Float.intBitsToFloat((bits & MANTISSA_MASK) | ONE_BITS) - 1.5f;
        float m = HARDWARE_FMA ? hornerFma(u, c0, c1, c2, c3, c4, c5) : horner(u, c0, c1, c2, c3, c4, c5);
        return Float.intBitsToFloat(Float.floatToRawIntBits(m * exponentScale[biasedExponent]) | (bits & SIGN_BIT));
    }

    /** Compresses {@code n} values of {@code src} from {@code srcFrom} into {@code dst} from {@code dstFrom}. */
    public void apply(float[] src, int srcFrom, float[] dst, int dstFrom, int n) {
        final float[] scale = exponentScale;
        final float k0 = c0, k1 = c1, k2 = c2, k3 = c3, k4 = c4, k5 = c5;
        for (int i = 0; i < n; i++) {
            float x = src[srcFrom + i];
            int bits = Float.floatToRawIntBits(x);
            int biasedExponent = (bits >>> 23) & 0xff;
            float y;
            if (isSpecial(biasedExponent)) {
                y = special(x);
            } else {
                float u = Float.intBitsToFloat((bits & MANTISSA_MASK) | ONE_BITS) - 1.5f;
                float m = HARDWARE_FMA ? hornerFma(u, k0, k1, k2, k3, k4, k5) : horner(u, k0, k1, k2, k3, k4, k5);
                y = Float.intBitsToFloat(Float.floatToRawIntBits(m * scale[biasedExponent]) | (bits & SIGN_BIT));
            }
            dst[dstFrom + i] = y;
        }
    }

    static float hornerFma(float u, float k0, float k1, float k2, float k3, float k4, float k5) {
        return Math.fma(u, Math.fma(u, Math.fma(u, Math.fma(u, Math.fma(u, k5, k4), k3), k2), k1), k0);
    }

    static float horner(float u, float k0, float k1, float k2, float k3, float k4, float k5) {
        return k0 + u * (k1 + u * (k2 + u * (k3 + u * (k4 + u * k5))));
    }

    /** Whether HotSpot compiles {@link Math#fma} to an instruction; false when it cannot tell. */
    private static boolean hardwareFma() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotSpot != null && Boolean.parseBoolean(hotSpot.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Exponent 0 (zero, subnormal) or 255 (infinite, NaN), in one comparison. */
    private static boolean isSpecial(int biasedExponent) {
        return ((biasedExponent + 1) & 0xff) <= 1;
    }

    /** Zero, subnormals, infinities and NaN: rare, so exactness beats speed here. */
    private float special(float x) {
        if (x == 0.0f || Float.isNaN(x)) {
            return x;
        }
        return (float) Math.copySign(Math.pow(Math.abs((double) x), power), x);
    }

    /**
     * Monomial coefficients, in {@code u = m - 1.5}, of the polynomial interpolating {@code m^p} at the
     * {@code DEGREE + 1} Chebyshev nodes of [1, 2], which is near-minimax for so smooth a function.
     */
    private static double[] mantissaPolynomial(double p) {
        int n = DEGREE + 1;
        // Chebyshev coefficients of f(x) = (1.5 + x/2)^p on x in [-1, 1].
        double[] cheb = new double[n];
        for (int k = 0; k < n; k++) {
            double theta = Math.PI * (k + 0.5) / n;
            double f = Math.pow(1.5 + 0.5 * Math.cos(theta), p);
            for (int j = 0; j < n; j++) {
                cheb[j] += 2.0 / n * f * Math.cos(j * theta);
            }
        }
        cheb[0] /= 2.0;
        // Sum of cheb[j] T_j(x) as monomials in x, via T_{j+1} = 2x T_j - T_{j-1}.
        double[] mono = new double[n];
        double[] previous = new double[n];
        double[] current = new double[n];
        previous[0] = 1.0;          // T_0
        current[1] = 1.0;           // T_1
        mono[0] += cheb[0];
        for (int i = 0; i < n; i++) {
            mono[i] += cheb[1] * current[i];
        }
        for (int j = 2; j < n; j++) {
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                next[i] = (i > 0 ? 2.0 * current[i - 1] : 0.0) - previous[i];
            }
            for (int i = 0; i < n; i++) {
                mono[i] += cheb[j] * next[i];
            }
            previous = current;
            current = next;
        }
        // x = 2u.
        for (int i = 0; i < n; i++) {
            mono[i] *= Math.pow(2.0, i);
        }
        return mono;
    }
}
