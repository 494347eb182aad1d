package org.speech2face.model.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.metrics.MsSsimSettings;

/**
 * MS-SSIM as a differentiable SameDiff expression, the same definition as {@link org.speech2face.metrics.MsSsim}:
 * separable 'valid' Gaussian filtering, 2x2 average pooling between scales, per-channel
 * {@code prod_j cs_j^w_j * ssim_M^w_M}, averaged over channels. Before the fractional powers each term is floored
 * at 1e-6 ({@code relu(v - 1e-6) + 1e-6}) so the gradient stays finite; the metric uses relu, identical for any
 * realistic image pair.
 */
final class MsSsimGraph {
    private static final double FLOOR = 1e-6;

    private MsSsimGraph() {
    }

    /**
     * Per-image MS-SSIM of x and y, both [N, C, H, W] in [0, range]; returns [N].
     */
    static SDVariable msSsim(SameDiff sd, SDVariable x, SDVariable y, long channels, long height, long width,
                             MsSsimSettings s) {
        double[] g = s.gaussian();
        INDArray gauss = Nd4j.create(g, new long[] {g.length}, org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .castTo(x.dataType());
        SDVariable gv = sd.constant(gauss.reshape(g.length, 1, 1, 1));   // [kH, kW, iC, oC]
        SDVariable gh = sd.constant(gauss.dup().reshape(1, g.length, 1, 1));
        SDVariable a = x.reshape(-1, 1, height, width);
        SDVariable b = y.reshape(-1, 1, height, width);
        double[] w = s.weights();
        SDVariable product = null;
        for (int j = 0; j < s.scales(); j++) {
            SDVariable mx = filter(sd, a, gv, gh);
            SDVariable my = filter(sd, b, gv, gh);
            SDVariable mxx = mx.mul(mx);
            SDVariable myy = my.mul(my);
            SDVariable mxy = mx.mul(my);
            SDVariable vx = filter(sd, a.mul(a), gv, gh).sub(mxx);
            SDVariable vy = filter(sd, b.mul(b), gv, gh).sub(myy);
            SDVariable cov = filter(sd, a.mul(b), gv, gh).sub(mxy);
            SDVariable cs = cov.mul(2).add(s.c2()).div(vx.add(vy).add(s.c2()));
            SDVariable term;
            if (j < s.scales() - 1) {
                term = cs.mean(1, 2, 3);
                Pooling2DConfig pool = Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2).isNHWC(false).build();
                a = sd.cnn().avgPooling2d(a, pool);
                b = sd.cnn().avgPooling2d(b, pool);
            } else {
                SDVariable lum = mxy.mul(2).add(s.c1()).div(mxx.add(myy).add(s.c1()));
                term = lum.mul(cs).mean(1, 2, 3);
            }
            SDVariable floored = sd.nn().relu(term.sub(FLOOR), 0).add(FLOOR);
            SDVariable powered = floored.pow(w[j]);
            product = product == null ? powered : product.mul(powered);
        }
        return product.reshape(-1, channels).mean(1);
    }

    private static SDVariable filter(SameDiff sd, SDVariable img, SDVariable gv, SDVariable gh) {
        long k = gv.getArr().size(0);
        Conv2DConfig vertical = Conv2DConfig.builder().kH(k).kW(1).dataFormat(Conv2DConfig.NCHW).build();
        Conv2DConfig horizontal = Conv2DConfig.builder().kH(1).kW(k).dataFormat(Conv2DConfig.NCHW).build();
        return sd.cnn().conv2d(sd.cnn().conv2d(img, gv, vertical), gh, horizontal);
    }
}
