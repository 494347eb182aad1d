package org.speech2face.metrics;

/**
 * Multi-scale SSIM of two images in plain double precision, for evaluation and as the reference the training
 * loss is checked against. Per channel: {@code prod_j relu(cs_j)^w_j * relu(ssim_M)^w_M}, then the mean over
 * channels (the pytorch-msssim convention). Images are planar CHW float arrays with values in [0, range].
 */
public final class MsSsim {
    private final MsSsimSettings settings;
    private final double[] gauss;
    private final double[] weights;

    public MsSsim(MsSsimSettings settings) {
        this.settings = settings;
        this.gauss = settings.gaussian();
        this.weights = settings.weights();
    }

    /** MS-SSIM of two CHW images of the same shape. */
    public double compute(float[] x, float[] y, int channels, int height, int width) {
        if (x.length != (long) channels * height * width || y.length != x.length) {
            throw new IllegalArgumentException("MS-SSIM inputs of " + x.length + " and " + y.length
                    + " values do not match shape " + channels + "x" + height + "x" + width + ".");
        }
        int side = Math.min(height, width);
        if (side < settings.minimumSide()) {
            throw new IllegalArgumentException("A " + height + "x" + width + " image is too small for " + settings.scales()
                    + "-scale MS-SSIM with an " + settings.window() + " px window (needs at least "
                    + settings.minimumSide() + " px).");
        }
        double total = 0;
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            double[] a = new double[plane];
            double[] b = new double[plane];
            for (int i = 0; i < plane; i++) {
                a[i] = x[c * plane + i];
                b[i] = y[c * plane + i];
            }
            total += channel(a, b, height, width);
        }
        return total / channels;
    }

    private double channel(double[] x, double[] y, int h, int w) {
        double result = 1;
        int scales = settings.scales();
        for (int j = 0; j < scales; j++) {
            double[] stats = ssimAndCs(x, y, h, w);
            double value = j < scales - 1 ? stats[1] : stats[0];
            result *= Math.pow(Math.max(value, 0), weights[j]);
            if (j < scales - 1) {
                x = pool(x, h, w);
                y = pool(y, h, w);
                h /= 2;
                w /= 2;
            }
        }
        return result;
    }

    /** Mean SSIM and mean contrast-structure term over the valid-filtered map. */
    private double[] ssimAndCs(double[] x, double[] y, int h, int w) {
        int n = x.length;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] mx = filter(x, h, w);
        double[] my = filter(y, h, w);
        double[] sxx = filter(xx, h, w);
        double[] syy = filter(yy, h, w);
        double[] sxy = filter(xy, h, w);
        double c1 = settings.c1();
        double c2 = settings.c2();
        double ssim = 0;
        double cs = 0;
        for (int i = 0; i < mx.length; i++) {
            double vx = sxx[i] - mx[i] * mx[i];
            double vy = syy[i] - my[i] * my[i];
            double cov = sxy[i] - mx[i] * my[i];
            double csi = (2 * cov + c2) / (vx + vy + c2);
            double li = (2 * mx[i] * my[i] + c1) / (mx[i] * mx[i] + my[i] * my[i] + c1);
            cs += csi;
            ssim += li * csi;
        }
        return new double[] {ssim / mx.length, cs / mx.length};
    }

    /** Separable 'valid' Gaussian filter: rows then columns. */
    private double[] filter(double[] img, int h, int w) {
        int k = gauss.length;
        int ow = w - k + 1;
        int oh = h - k + 1;
        double[] rows = new double[h * ow];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < ow; c++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += gauss[t] * img[r * w + c + t];
                }
                rows[r * ow + c] = s;
            }
        }
        double[] out = new double[oh * ow];
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += gauss[t] * rows[(r + t) * ow + c];
                }
                out[r * ow + c] = s;
            }
        }
        return out;
    }

    /** 2x2 average pooling; an odd last row or column is dropped. */
    private static double[] pool(double[] img, int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        double[] out = new double[oh * ow];
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                int i = 2 * r * w + 2 * c;
                out[r * ow + c] = 0.25 * (img[i] + img[i + 1] + img[i + w] + img[i + w + 1]);
            }
        }
        return out;
    }
}
