package org.speech2face.model.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The explicit, symmetric padding a convolution's mode amounts to for given input and output maps, so that the fast
 * backward paths can call oneDNN (or cuDNN) with plain padding. DL4J's 'Same' mode pads
 * {@code total = (out - 1) * stride + effectiveKernel - in} pixels, {@code floor(total / 2)} before; that is an
 * explicit symmetric padding whenever {@code total} is even, as for every stride-1 odd-kernel convolution here.
 */
final class ConvolutionPadding {
    private ConvolutionPadding() {
    }

    /** {height, width} padding, or null when the mode is not expressible that way (then DL4J's own path runs). */
    static int[] explicit(ConvolutionLayer c, INDArray input, INDArray outputGradient) {
        ConvolutionMode mode = c.getConvolutionMode();
        if (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict) {
            return c.getPadding();
        }
        if (mode != ConvolutionMode.Same || input.rank() != 4 || outputGradient.rank() != 4) {
            return null;
        }
        boolean nhwc = c.getCnn2dDataFormat() == CNN2DFormat.NHWC;
        int h = nhwc ? 1 : 2;
        int[] pad = new int[2];
        for (int d = 0; d < 2; d++) {
            long in = input.size(h + d);
            long out = outputGradient.size(h + d);
            long effectiveKernel = (long) (c.getKernelSize()[d] - 1) * c.getDilation()[d] + 1;
            long total = Math.max(0, (out - 1) * c.getStride()[d] + effectiveKernel - in);
            if (total % 2 != 0) {
                return null;
            }
            pad[d] = (int) (total / 2);
        }
        return pad;
    }
}
