package org.speech2face.model.layers;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.Deconvolution2DLayer;
import org.deeplearning4j.nn.params.DeconvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A 'Same' transposed convolution (output {@code in * stride}) that runs on oneDNN, with a choice of where its
 * output window sits. DL4J's Deconvolution2D in 'Same' mode asks libnd4j for implicit padding, which libnd4j's oneDNN
 * path does not take, so it runs the generic im2col/col2im kernels (the decoder's stride-2 layers were its slowest,
 * and their column buffers its largest). Here the op gets explicit padding, which oneDNN takes, and the output is
 * cut out of the slightly larger result.
 *
 * <p>Where the window sits: of the full transposed convolution (before any cropping, {@code (in - 1) * s + k} wide)
 * DL4J keeps the {@code in * s} outputs from offset {@code (k - s) / 2}; PyTorch's
 * {@code ConvTranspose2d(k, s, padding=(k - 1) / 2, output_padding=s - 1)} keeps them from offset {@code (k - 1) / 2}.
 * For the decoder's 5x5 stride-2 layers that is offset 1 against offset 2: the same weights give an image shifted by
 * one pixel. {@link Alignment#PYTORCH} matches PyTorch (and so weights trained there); {@link Alignment#DL4J}
 * computes exactly what DL4J's Deconvolution2D computes. A configuration without the field (none was written before
 * it existed) reads as DL4J; the builder's default, used by new graphs, is PYTORCH.
 *
 * <p>Weights keep Deconvolution2D's layout, [nIn, nOut, kH, kW] (libnd4j's weight format 1), and parameter
 * initialisation. The same ops (deconv2d, deconv2d_bp) exist in the CUDA build, where they run libnd4j's own kernels.
 */
public class FastDeconvolution extends Deconvolution2D {

    /** Which cropping of the full transposed convolution the layer outputs. */
    public enum Alignment {
        /** Offset {@code (k - s) / 2}: DL4J's Deconvolution2D in 'Same' mode. */
        DL4J,
        /** Offset {@code (k - 1) / 2}: PyTorch's ConvTranspose2d with padding (k-1)/2 and output_padding s-1. */
        PYTORCH;

        int offset(int kernel, int stride) {
            return this == DL4J ? (kernel - stride) / 2 : (kernel - 1) / 2;
        }
    }

    @JsonProperty
    private Alignment alignment = Alignment.DL4J;

    /** For Jackson. */
    public FastDeconvolution() {
    }

    private FastDeconvolution(Builder b) {
        super(b);
        this.alignment = b.alignment;
    }

    public Alignment getAlignment() {
        return alignment;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        LayerValidation.assertNInNOutSet("FastDeconvolution", getLayerName(), index, getNIn(), getNOut());
        return RuntimeLayers.wire(new Runtime(conf, dataType), conf, listeners, index, paramsView, initializeParams,
                initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastDeconvolution f && super.equals(o) && alignment == f.alignment;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), alignment);
    }

    /** Explicit padding of the op, and where the output starts in the op's result, per dimension. */
    record Geometry(int[] pad, int[] start, long[] full) {
        static Geometry of(FastDeconvolution c, long inH, long inW) {
            int[] k = c.getKernelSize();
            int[] s = c.getStride();
            long[] in = {inH, inW};
            int[] pad = new int[2];
            int[] start = new int[2];
            long[] full = new long[2];
            for (int d = 0; d < 2; d++) {
                int offset = c.getAlignment().offset(k[d], s[d]);
                pad[d] = Math.min(Alignment.DL4J.offset(k[d], s[d]), Alignment.PYTORCH.offset(k[d], s[d]));
                start[d] = offset - pad[d];
                full[d] = (in[d] - 1) * s[d] + k[d] - 2L * pad[d];
            }
            return new Geometry(pad, start, full);
        }
    }

    /** The runtime layer: deconv2d / deconv2d_bp with explicit padding, cropped to the chosen window. */
    static final class Runtime extends Deconvolution2DLayer {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private FastDeconvolution deconvConf() {
            return (FastDeconvolution) layerConf();
        }

        private boolean nhwc() {
            return deconvConf().getCnn2dDataFormat() == CNN2DFormat.NHWC;
        }

        private INDArray window(INDArray full, long outH, long outW, Geometry g) {
            INDArrayIndex rows = NDArrayIndex.interval(g.start()[0], g.start()[0] + outH);
            INDArrayIndex cols = NDArrayIndex.interval(g.start()[1], g.start()[1] + outW);
            return nhwc() ? full.get(NDArrayIndex.all(), rows, cols, NDArrayIndex.all())
                    : full.get(NDArrayIndex.all(), NDArrayIndex.all(), rows, cols);
        }

        private int[] intArgs(Geometry g) {
            FastDeconvolution c = deconvConf();
            int[] k = c.getKernelSize();
            int[] s = c.getStride();
            return new int[] {k[0], k[1], s[0], s[1], g.pad()[0], g.pad()[1], 1, 1, 0, nhwc() ? 1 : 0, 1};
        }

        private long[] shape(long n, long channels, long h, long w) {
            return nhwc() ? new long[] {n, h, w, channels} : new long[] {n, channels, h, w};
        }

        /** Pre-activation output z, [N, nOut, in*s, in*s] in the layer's layout, as {@code type}. */
        private INDArray preActivation(boolean training, ArrayType type, LayerWorkspaceMgr workspaceMgr) {
            FastDeconvolution c = deconvConf();
            INDArray x = input.castTo(dataType);
            int h = nhwc() ? 1 : 2;
            long inH = x.size(h);
            long inW = x.size(h + 1);
            Geometry g = Geometry.of(c, inH, inW);
            INDArray w = getParamWithNoise(DeconvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
            INDArray full = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType,
                    shape(x.size(0), c.getNOut(), g.full()[0], g.full()[1]), 'c');
            DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("deconv2d").addIntegerArguments(intArgs(g));
            if (c.hasBias()) {
                op.addInputs(x, w, getParamWithNoise(DeconvolutionParamInitializer.BIAS_KEY, training, workspaceMgr));
            } else {
                op.addInputs(x, w);
            }
            Nd4j.exec(op.addOutputs(full).build());
            long[] s = {inH * c.getStride()[0], inW * c.getStride()[1]};
            return workspaceMgr.dup(type, window(full, s[0], s[1], g), 'c');
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            applyDropOutIfNecessary(training, workspaceMgr);
            INDArray z = preActivation(training, ArrayType.ACTIVATIONS, workspaceMgr);
            return layerConf().getActivationFn().getActivation(z, training);
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
            return new Pair<>(preActivation(training, ArrayType.ACTIVATIONS, workspaceMgr), null);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            FastDeconvolution c = deconvConf();
            INDArray delta = epsilon.castTo(dataType);
            if (!(c.getActivationFn() instanceof ActivationIdentity)) {
                INDArray z = preActivation(true, ArrayType.BP_WORKING_MEM, workspaceMgr);
                delta = c.getActivationFn().backprop(z, delta).getFirst();
            }
            INDArray x = input.castTo(dataType);
            int h = nhwc() ? 1 : 2;
            Geometry g = Geometry.of(c, x.size(h), x.size(h + 1));
            INDArray fullDelta = workspaceMgr.create(ArrayType.BP_WORKING_MEM, dataType,
                    shape(x.size(0), c.getNOut(), g.full()[0], g.full()[1]), 'c');
            window(fullDelta, delta.size(h), delta.size(h + 1), g).assign(delta);
            INDArray w = getParamWithNoise(DeconvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray weightGrad = gradientViews.get(DeconvolutionParamInitializer.WEIGHT_KEY);
            INDArray inputGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
            DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("deconv2d_bp")
                    .addIntegerArguments(intArgs(g));
            Gradient grad = new DefaultGradient();
            if (c.hasBias()) {
                INDArray biasGrad = gradientViews.get(DeconvolutionParamInitializer.BIAS_KEY);
                op.addInputs(x, w, getParamWithNoise(DeconvolutionParamInitializer.BIAS_KEY, true, workspaceMgr), fullDelta)
                        .addOutputs(inputGrad, weightGrad, biasGrad.reshape(biasGrad.length()));
                grad.setGradientFor(DeconvolutionParamInitializer.BIAS_KEY, biasGrad);
            } else {
                op.addInputs(x, w, fullDelta).addOutputs(inputGrad, weightGrad);
            }
            Nd4j.exec(op.build());
            grad.setGradientFor(DeconvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            weightNoiseParams.clear();
            return new Pair<>(grad, backpropDropOutIfPresent(inputGrad));
        }
    }

    /** Builds a 'Same' transposed convolution; odd kernels, no dilation. */
    public static class Builder extends Deconvolution2D.Builder {
        private Alignment alignment = Alignment.PYTORCH;

        public Builder() {
            super();
            convolutionMode(ConvolutionMode.Same);
        }

        /** Where the output window sits; PYTORCH unless told otherwise. */
        public Builder alignment(Alignment alignment) {
            this.alignment = Objects.requireNonNull(alignment, "alignment");
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public FastDeconvolution build() {
            super.build(); // DL4J's kernel/stride/padding validation
            if (convolutionMode != ConvolutionMode.Same) {
                throw new IllegalArgumentException("A FastDeconvolution is a 'Same' transposed convolution, got mode "
                        + convolutionMode + ".");
            }
            for (int d = 0; d < 2; d++) {
                int k = kernelSize[d];
                int s = stride[d];
                if (k % 2 == 0 || (dilation != null && dilation[d] != 1) || s > (k + 1) / 2) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "A FastDeconvolution needs an odd "
                            + "kernel, no dilation and a stride of at most (kernel + 1) / 2; got kernel %s, stride %s, "
                            + "dilation %s.", java.util.Arrays.toString(kernelSize), java.util.Arrays.toString(stride),
                            java.util.Arrays.toString(dilation)));
                }
            }
            return new FastDeconvolution(this);
        }
    }
}
