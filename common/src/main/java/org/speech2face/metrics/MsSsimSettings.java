package org.speech2face.metrics;

import java.util.Arrays;

/**
 * The MS-SSIM recipe of docs/paper-recipes.md (Wang et al. 2003 as used by Zhao et al.): Gaussian window 11 with sigma 1.5,
 * K1 0.01, K2 0.03, dynamic range 1, 2x2 average pooling between scales, 'valid' filtering. With fewer than five
 * scales (small faces) the first {@code scales} paper weights are renormalised to sum to 1, so identical images
 * still score exactly 1 and the finest-scale emphasis is kept.
 *
 * @param scales  number of scales, 1 to 5
 * @param window  Gaussian window side (odd)
 * @param sigma   Gaussian standard deviation in pixels
 * @param k1      luminance stabiliser
 * @param k2      contrast-structure stabiliser
 * @param range   dynamic range of pixel values
 */
public record MsSsimSettings(int scales, int window, double sigma, double k1, double k2, double range) {
    /** The paper weights for five scales, finest first. */
    private static final double[] PAPER_WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

    public MsSsimSettings {
        if (scales < 1 || scales > PAPER_WEIGHTS.length) {
            throw new IllegalArgumentException("MS-SSIM scales must be 1 to 5, got " + scales + ".");
        }
        if (window < 1 || window % 2 == 0) {
            throw new IllegalArgumentException("MS-SSIM window must be a positive odd size, got " + window + ".");
        }
        if (!(sigma > 0) || !(k1 > 0) || !(k2 > 0) || !(range > 0)) {
            throw new IllegalArgumentException("MS-SSIM sigma, K1, K2 and range must be positive, got sigma " + sigma
                    + ", K1 " + k1 + ", K2 " + k2 + ", range " + range + ".");
        }
    }

    /** Those settings with {@code scales} scales. */
    public static MsSsimSettings paper(int scales) {
        return new MsSsimSettings(scales, 11, 1.5, 0.01, 0.03, 1.0);
    }

    /** Scale weights, finest first, summing to 1. */
    public double[] weights() {
        double[] w = Arrays.copyOf(PAPER_WEIGHTS, scales);
        double sum = Arrays.stream(w).sum();
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** Normalised 1-D Gaussian taps; the 2-D window is their outer product. */
    public double[] gaussian() {
        double[] g = new double[window];
        double centre = (window - 1) / 2.0;
        double sum = 0;
        for (int i = 0; i < window; i++) {
            g[i] = Math.exp(-(i - centre) * (i - centre) / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < window; i++) {
            g[i] /= sum;
        }
        return g;
    }

    public double c1() {
        return (k1 * range) * (k1 * range);
    }

    public double c2() {
        return (k2 * range) * (k2 * range);
    }

    /** Smallest image side these settings accept: the coarsest scale must still hold one window. */
    public int minimumSide() {
        return window << (scales - 1);
    }
}
