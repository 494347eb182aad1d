package org.speech2face.model.loss;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.speech2face.metrics.MsSsimSettings;

/**
 * MS-SSIM of a batch of images against another, and its gradient with respect to the first, written out with
 * whole-batch ND4J operations: the definition of {@link MsSsimGraph} (which stays the specification the tests
 * compare with) without SameDiff, whose per-op overhead and kept intermediates made the image loss a tenth of the
 * decoder's step. Every image channel is a plane; the separable 'valid' Gaussian filter is two matrix products with
 * banded (Toeplitz) matrices, so the five filtered maps of a scale are one product pair on a stack of planes, and
 * its transpose (the gradient's) is the same products with the matrices transposed.
 *
 * <p>Per scale, with {@code F} the filter: {@code cs = (2 cov + C2) / (vx + vy + C2)}, {@code cov = F(xy) - F(x)F(y)},
 * {@code vx = F(x^2) - F(x)^2}; the coarsest scale also has {@code l = (2 F(x)F(y) + C1) / (F(x)^2 + F(y)^2 + C1)}.
 * A scale's term is the mean of {@code cs} (of {@code l cs} at the coarsest), floored at 1e-6; MS-SSIM of a plane is
 * the product of the terms to their weights, of an image the mean over its planes. Between scales 2x2 average
 * pooling drops an odd last row or column, as the definition does; its gradient spreads each pooled value's
 * gradient over its four pixels.
 */
final class PlainMsSsim {
    private static final double FLOOR = 1e-6;
    /** Banded filter matrices by (size, data type): [size, size - window + 1]. */
    private static final Map<String, INDArray> BANDS = new ConcurrentHashMap<>();

    /** Per-image MS-SSIM [N] and, if asked, d(sum of {@code weight * MS-SSIM})/dx [N, C, H, W]. */
    record Result(INDArray perImage, INDArray gradient) {
    }

    private PlainMsSsim() {
    }

    /** MS-SSIM of {@code x} against {@code y}, both [N, C, H, W]; the gradient (if {@code weight != 0}) of weight * sum. */
    static Result compute(INDArray x, INDArray y, MsSsimSettings s, double weight) {
        long n = x.size(0);
        long c = x.size(1);
        long planes = n * c;
        int scales = s.scales();
        double[] w = s.weights();
        Scale[] at = new Scale[scales];
        INDArray a = x.dup('c').reshape('c', planes, x.size(2), x.size(3));
        INDArray b = y.castTo(x.dataType()).dup('c').reshape('c', planes, x.size(2), x.size(3));
        INDArray ms = null;
        for (int j = 0; j < scales; j++) {
            at[j] = new Scale(a, b, s, j == scales - 1);
            INDArray powered = Transforms.pow(at[j].floored, w[j], true);
            ms = ms == null ? powered : ms.muli(powered);
            if (j < scales - 1) {
                a = pool(a);
                b = pool(b);
            }
        }
        INDArray perImage = ms.reshape(n, c).mean(1);
        if (weight == 0) {
            return new Result(perImage, null);
        }
        // d(weight * sum_n mean_c ms)/d term_j = weight / c * ms * w_j / floored_j, where the floor is not active
        INDArray carry = null;
        for (int j = scales - 1; j >= 0; j--) {
            Scale sc = at[j];
            INDArray dTerm = ms.mul(weight * w[j] / c).divi(sc.floored).muli(sc.term.gt(FLOOR).castTo(ms.dataType()));
            INDArray local = sc.inputGradient(dTerm);
            carry = carry == null ? local : local.addi(unpool(carry, local.size(1), local.size(2)));
        }
        return new Result(perImage, carry.reshape('c', x.shape()));
    }

    /** One scale's maps, kept for the backward pass. */
    private static final class Scale {
        final INDArray a;
        final INDArray b;
        final INDArray mx;
        final INDArray my;
        final INDArray bigA;
        final INDArray bigB;
        final INDArray cs;
        final INDArray lum;
        final INDArray lumD;
        final INDArray lumE;
        final INDArray term;
        final INDArray floored;
        final long h;
        final long w;
        final MsSsimSettings settings;

        Scale(INDArray a, INDArray b, MsSsimSettings s, boolean coarsest) {
            this.a = a;
            this.b = b;
            this.settings = s;
            long p = a.size(0);
            h = a.size(1);
            w = a.size(2);
            INDArray stack = Nd4j.concat(0, a, b, a.mul(a), b.mul(b), a.mul(b));
            INDArray f = filter(stack, s);
            mx = slab(f, 0, p);
            my = slab(f, 1, p);
            INDArray mxy = mx.mul(my);
            INDArray vx = slab(f, 2, p).subi(mx.mul(mx));
            INDArray vy = slab(f, 3, p).subi(my.mul(my));
            INDArray cov = slab(f, 4, p).subi(mxy);
            bigA = cov.mul(2).addi(s.c2());
            bigB = vx.addi(vy).addi(s.c2());
            cs = bigA.div(bigB);
            if (coarsest) {
                lumD = mxy.mul(2).addi(s.c1());
                lumE = mx.mul(mx).addi(my.mul(my)).addi(s.c1());
                lum = lumD.div(lumE);
                term = lum.mul(cs).mean(1, 2);
            } else {
                lumD = null;
                lumE = null;
                lum = null;
                term = cs.mean(1, 2);
            }
            floored = Transforms.max(term, FLOOR, true);
        }

        /** d/da of sum_p dTerm[p] * term[p] at this scale alone. */
        INDArray inputGradient(INDArray dTerm) {
            long p = a.size(0);
            double pixels = (double) cs.size(1) * cs.size(2);
            INDArray perPixel = dTerm.div(pixels).reshape(p, 1, 1);
            INDArray dCs = lum == null ? cs.like().assign(perPixel.broadcast(cs.shape()))
                    : lum.mul(perPixel.broadcast(cs.shape()));
            INDArray dA = dCs.div(bigB);
            INDArray dB = dA.mul(cs).negi();                   // -dCs * A / B^2
            INDArray dExy = dA.mul(2);                         // cov = F(xy) - mx my, A = 2 cov + C2
            INDArray dExx = dB;                                // vx = F(x^2) - mx^2, B = vx + vy + C2
            INDArray dMx = dExy.mul(my).negi().subi(dExx.mul(mx).muli(2));
            if (lum != null) {
                INDArray dL = cs.mul(perPixel.broadcast(cs.shape()));
                INDArray dD = dL.div(lumE);
                INDArray dE = dD.mul(lum).negi();              // -dL * D / E^2
                dMx.addi(dD.mul(my).muli(2)).addi(dE.mul(mx).muli(2));
            }
            INDArray back = transposedFilter(Nd4j.concat(0, dMx, dExx, dExy), h, w, settings);
            INDArray g = slab(back, 0, p);
            g.addi(slab(back, 1, p).muli(a).muli(2));
            g.addi(slab(back, 2, p).muli(b));
            return g;
        }
    }

    private static INDArray slab(INDArray stack, int k, long planes) {
        return stack.get(NDArrayIndex.interval(k * planes, (k + 1) * planes), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** 'valid' separable Gaussian filter of every plane of {@code x} [P, h, w] -> [P, h - k + 1, w - k + 1]. */
    private static INDArray filter(INDArray x, MsSsimSettings s) {
        long p = x.size(0);
        long h = x.size(1);
        long w = x.size(2);
        INDArray bw = band(w, s, x.dataType());
        INDArray bh = band(h, s, x.dataType());
        long w2 = bw.size(1);
        long h2 = bh.size(1);
        INDArray alongW = x.reshape('c', p * h, w).mmul(bw).reshape('c', p, h, w2);
        INDArray t = alongW.permute(0, 2, 1).dup('c').reshape('c', p * w2, h);
        return t.mmul(bh).reshape('c', p, w2, h2).permute(0, 2, 1).dup('c');
    }

    /** The transpose of {@link #filter}: [P, h', w'] -> [P, h, w] (zero-padded full correlation). */
    private static INDArray transposedFilter(INDArray g, long h, long w, MsSsimSettings s) {
        long p = g.size(0);
        long h2 = g.size(1);
        long w2 = g.size(2);
        INDArray bh = band(h, s, g.dataType());
        INDArray bw = band(w, s, g.dataType());
        INDArray t = g.permute(0, 2, 1).dup('c').reshape('c', p * w2, h2).mmul(bh.transpose());
        INDArray back = t.reshape('c', p, w2, h).permute(0, 2, 1).dup('c').reshape('c', p * h, w2);
        return back.mmul(bw.transpose()).reshape('c', p, h, w);
    }

    /** [size, size - window + 1] with column j holding the Gaussian taps at rows j ... j + window - 1. */
    private static INDArray band(long size, MsSsimSettings s, DataType type) {
        int window = s.window();
        return BANDS.computeIfAbsent(size + "/" + window + "/" + s.sigma() + "/" + type, k -> {
            double[] g = s.gaussian();
            long out = size - window + 1;
            double[][] m = new double[(int) size][(int) out];
            for (int j = 0; j < out; j++) {
                for (int t = 0; t < window; t++) {
                    m[j + t][j] = g[t];
                }
            }
            try (var ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.create(m).castTo(type);
            }
        });
    }

    /** 2x2 average pooling of every plane, dropping an odd last row or column. */
    private static INDArray pool(INDArray x) {
        long p = x.size(0);
        long h2 = x.size(1) / 2;
        long w2 = x.size(2) / 2;
        INDArray even = x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2 * h2), NDArrayIndex.interval(0, 2 * w2))
                .dup('c');
        return even.reshape('c', p, h2, 2, w2, 2).mean(2, 4);
    }

    /** The gradient of {@link #pool}: each pooled gradient a quarter to each of its pixels; dropped ones get none. */
    private static INDArray unpool(INDArray g, long h, long w) {
        INDArray spread = g.repeat(1, 2).repeat(2, 2).divi(4);
        if (spread.size(1) == h && spread.size(2) == w) {
            return spread;
        }
        INDArray out = Nd4j.zeros(g.dataType(), g.size(0), h, w);
        out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, spread.size(1)), NDArrayIndex.interval(0, spread.size(2)))
                .assign(spread);
        return out;
    }
}
