package org.speech2face.model.layers;

import java.util.Collection;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonInclude;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J convolution that runs on oneDNN when the ND4J build has it ({@link NativeBackend}); otherwise exactly
 * DL4J's {@link ConvolutionLayer} (im2col + OpenBLAS, which is faster than libnd4j's generic conv op). Same
 * parameters, same results, same JSON apart from the class name. Measured on the paper SE, batch 4: conv1 forward
 * 377 ms -> 15 ms. A plain 3x3 layer with trainable weights runs on oneDNN's Winograd kernel where the CPU has it
 * ({@link WinogradConvolution}; results equal to float rounding, not bit for bit).
 */
public class FastConvolution extends ConvolutionLayer {
    private static final ActivationIdentity IDENTITY = new ActivationIdentity();

    /**
     * False for a convolution that reads a network input: its input gradient is then never computed (the backward
     * pass returns zeros) and the weight gradient comes from {@link WeightGradient}. Needs an identity activation.
     */
    @JsonProperty
    private boolean inputGradient = true;
    /**
     * True for a convolution whose weights are frozen (VGGFace inside the decoder's training graph): the backward
     * pass then computes the input gradient alone, as one transposed convolution, and leaves the weight gradient
     * zero, its memory given back ({@link ZeroPages}). DL4J's FrozenLayerWithBackprop would otherwise have the weight gradient computed and thrown away: half
     * of VGGFace's backward FLOPs. Written only when true, so every configuration saved before it existed reads
     * (and hashes) as it did, with the old behaviour.
     */
    @JsonProperty
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private boolean frozenWeights;

    /** For Jackson. */
    public FastConvolution() {
    }

    private FastConvolution(Builder b) {
        super(b);
        this.inputGradient = b.inputGradient;
        this.frozenWeights = b.frozenWeights;
    }

    public boolean isInputGradient() {
        return inputGradient;
    }

    public boolean isFrozenWeights() {
        return frozenWeights;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        LayerValidation.assertNInNOutSet("FastConvolution", getLayerName(), index, getNIn(), getNOut());
        return RuntimeLayers.wire(new Runtime(conf, dataType), conf, listeners, index, paramsView,
                initializeParams, initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastConvolution f && super.equals(o) && inputGradient == f.inputGradient
                && frozenWeights == f.frozenWeights;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), inputGradient, frozenWeights);
    }

    /** The backward passes {@link Runtime} can take. */
    enum Backward { INPUT_GRADIENT_ONLY, WEIGHT_GRADIENT_ONLY, ONEDNN, HELPER, DL4J }

    /** DL4J's runtime convolution with the oneDNN helper attached and a leaner backward pass. */
    static final class Runtime extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        /** This layer's output from the last forward pass, kept when the activation is a plain ReLU. */
        private INDArray reluOutput;
        /** Which backward pass ran last, for tests. */
        private Backward lastBackward;
        /** The Winograd inference pass, where it applies (see {@link #winogradActivate}); null otherwise. */
        private final WinogradConvolution winograd;
        /** Whether the last forward pass ran on {@link #winograd}, for tests. */
        private boolean lastForwardWinograd;

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
            if (NativeBackend.hasOneDnn()) {
                helper = new MKLDNNConvHelper(dataType);
            }
            winograd = WinogradConvolution.available() ? new WinogradConvolution() : null;
        }

        boolean lastForwardWinograd() {
            return lastForwardWinograd;
        }

        boolean usesOneDnn() {
            return helper instanceof MKLDNNConvHelper;
        }

        Backward lastBackward() {
            return lastBackward;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray out = winogradActivate(training, workspaceMgr);
            lastForwardWinograd = out != null;
            if (out == null) {
                out = super.activate(training, workspaceMgr);
            }
            // ReLU's derivative is (z > 0), which is (relu(z) > 0): the output spares recomputing z in backprop. It
            // lives in the activation workspace, which DL4J keeps until the backward pass is done. Kept whatever
            // 'training' says: FrozenLayerWithBackprop runs its layer in inference mode, backward pass included.
            reluOutput = ReluFromOutput.keep(layerConf().getActivationFn(), out);
            return out;
        }

        /**
         * The forward pass of a 3x3, stride-1, padding-1 convolution with the identity or a plain ReLU (fused), on
         * oneDNN's Winograd kernel; null where that does not apply. While training it takes the weights as they are
         * each step (the SE's conv5 at batch 16: 34 ms against 108 ms direct, docs/benchmarks.md#se-winograd). Not
         * for frozen weights: those are the decoder's VGGFace in its loss, whose training step is held to a peak
         * memory that Winograd's blocked copies and scratchpad would add to.
         */
        private INDArray winogradActivate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            FastConvolution c = (FastConvolution) layerConf();
            if (winograd == null || c.isFrozenWeights() || input == null || !winogradShape(c)) {
                return null;
            }
            boolean relu = ReluFromOutput.isPlainRelu(c.getActivationFn());
            if (!relu && !(c.getActivationFn() instanceof ActivationIdentity)) {
                return null;
            }
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, false, workspaceMgr);
            INDArray bias = c.hasBias()
                    ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, false, workspaceMgr) : null;
            return winograd.forward(input, weights, bias, c.getCnn2dDataFormat(), relu, training, workspaceMgr);
        }

        /** 3x3, stride 1, no dilation, and a padding of 1 on every side (explicit, or what 'Same' amounts to). */
        private static boolean winogradShape(FastConvolution c) {
            boolean three = java.util.Arrays.equals(c.getKernelSize(), new int[]{3, 3})
                    && java.util.Arrays.equals(c.getStride(), new int[]{1, 1})
                    && java.util.Arrays.equals(c.getDilation(), new int[]{1, 1});
            ConvolutionMode mode = c.getConvolutionMode();
            return three && (mode == ConvolutionMode.Same || ((mode == ConvolutionMode.Truncate
                    || mode == ConvolutionMode.Strict) && java.util.Arrays.equals(c.getPadding(), new int[]{1, 1})));
        }

        @Override
        public void clear() {
            super.clear();
            reluOutput = null;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            FastConvolution c = (FastConvolution) layerConf();
            int[] pad = ConvolutionPadding.explicit(c, input, epsilon);
            boolean plain = pad != null && epsilon.dataType() == DataType.FLOAT && input.dataType() == DataType.FLOAT;
            if (!plain) {
                if (c.isFrozenWeights()) {
                    return frozenFallback(null, epsilon, workspaceMgr);
                }
                lastBackward = Backward.DL4J;
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            assertInputSet(true);
            if (c.isFrozenWeights()) {
                INDArray delta = preActivationGradient(c, epsilon, workspaceMgr);
                INDArray inputGrad = delta == null ? null
                        : InputGradient.compute(delta, getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true,
                        workspaceMgr), input, c, pad, workspaceMgr);
                if (inputGrad != null) {
                    lastBackward = Backward.INPUT_GRADIENT_ONLY;
                    weightNoiseParams.clear();
                    return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(inputGrad));
                }
                return frozenFallback(helperBackprop(c, epsilon, pad, workspaceMgr), epsilon, workspaceMgr);
            }
            if (c.isInputGradient()) {
                Pair<Gradient, INDArray> ret = oneDnnBackprop(c, epsilon, pad, workspaceMgr);
                if (ret != null) {
                    lastBackward = Backward.ONEDNN;
                    return ret;
                }
                ret = helperBackprop(c, epsilon, pad, workspaceMgr);
                lastBackward = ret != null ? Backward.HELPER : Backward.DL4J;
                return ret != null ? ret : super.backpropGradient(epsilon, workspaceMgr);
            }
            lastBackward = Backward.WEIGHT_GRADIENT_ONLY;
            INDArray biasGrad = c.hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            if (!OneDnnConvolutionBackward.weightGradient(input, epsilon, c.getCnn2dDataFormat(), c.getKernelSize(),
                    c.getStride(), pad, c.getDilation(), weightGrad, biasGrad)) {
                WeightGradient.compute(input, epsilon, c.getCnn2dDataFormat(), c.getKernelSize(),
                        c.getStride(), pad, c.getDilation(), weightGrad, biasGrad, workspaceMgr);
            }
            weightNoiseParams.clear();
            // ComputationGraph wants an input gradient from every layer; a zero one is cheap and never read
            return new Pair<>(gradient(weightGrad, biasGrad),
                    workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c'));
        }

        private static Gradient gradient(INDArray weightGrad, INDArray biasGrad) {
            Gradient g = new DefaultGradient();
            if (biasGrad != null) {
                g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            return g;
        }

        /**
         * The whole backward pass on oneDNN called directly ({@link OneDnnConvolutionBackward}: the kernels libnd4j
         * would pick, without its fresh allocations every step), for channels-last layers whose activation's
         * derivative comes without a second forward pass; null elsewhere.
         */
        private Pair<Gradient, INDArray> oneDnnBackprop(FastConvolution c, INDArray epsilon, int[] pad,
                                                        LayerWorkspaceMgr workspaceMgr) {
            if (c.getCnn2dDataFormat() != CNN2DFormat.NHWC || OneDnn.engine() == null) {
                return null;
            }
            INDArray delta = preActivationGradient(c, epsilon, workspaceMgr);
            if (delta == null) {
                return null;
            }
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray biasGrad = c.hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            INDArray inputGrad = OneDnnConvolutionBackward.inputAndWeightGradients(input, weights, delta,
                    c.getCnn2dDataFormat(), c.getKernelSize(), c.getStride(), pad, c.getDilation(), weightGrad,
                    biasGrad, workspaceMgr);
            if (inputGrad == null) {
                return null;
            }
            weightNoiseParams.clear();
            return new Pair<>(gradient(weightGrad, biasGrad), backpropDropOutIfPresent(inputGrad));
        }

        /**
         * A frozen layer's full backward pass, when the input gradient alone cannot be had (another activation):
         * the weight gradient it wrote is zeroed again, since no wrapper does that here ({@link #getGradientsViewArray}).
         */
        private Pair<Gradient, INDArray> frozenFallback(Pair<Gradient, INDArray> helper, INDArray epsilon,
                                                        LayerWorkspaceMgr workspaceMgr) {
            lastBackward = helper != null ? Backward.HELPER : Backward.DL4J;
            Pair<Gradient, INDArray> ret = helper != null ? helper : super.backpropGradient(epsilon, workspaceMgr);
            ZeroPages.release(gradientsFlattened);
            return new Pair<>(new DefaultGradient(), ret.getSecond());
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray gradients) {
            super.setBackpropGradientsViewArray(gradients);
            if (((FastConvolution) layerConf()).isFrozenWeights()) {
                ZeroPages.release(gradients);
            }
        }

        /**
         * None for frozen weights: their gradient is zero for good, and DL4J's FrozenLayerWithBackprop zeroes the view
         * it gets here after every backward pass, which would make the memory {@link ZeroPages} gave back resident.
         */
        @Override
        public INDArray getGradientsViewArray() {
            return ((FastConvolution) layerConf()).isFrozenWeights() ? null : super.getGradientsViewArray();
        }

        /** Frozen weights: nothing to divide (the updater would write the zeros back, and the memory with them). */
        @Override
        public boolean updaterDivideByMinibatch(String paramName) {
            return !((FastConvolution) layerConf()).isFrozenWeights() && super.updaterDivideByMinibatch(paramName);
        }

        /**
         * dL/dz from dL/d(activation): the identity passes it through, a plain ReLU masks it with the kept output;
         * null for other activations (their derivative needs z, which only a second forward pass gives).
         */
        private INDArray preActivationGradient(FastConvolution c, INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            return ReluFromOutput.preActivationGradient(c.getActivationFn(), reluOutput, epsilon, workspaceMgr);
        }

        /**
         * The backward pass on the attached helper (oneDNN; cuDNN on the CUDA build), or null without one. Unlike
         * DL4J's own, it does not run the forward convolution again: with the identity activation the output
         * gradient already is the pre-activation gradient, and a plain ReLU's derivative comes from the kept output
         * (measured on the SE's conv5 at batch 16: 452 -> 250 ms). 'Same' padding is passed as the explicit padding
         * it amounts to. Other activations recompute the pre-activations, taken as they come: with an activation on
         * NHWC activations DL4J 1.0.0-M2.1 permutes them as if they were NCHW and returns wrong gradients.
         */
        private Pair<Gradient, INDArray> helperBackprop(FastConvolution c, INDArray epsilon, int[] pad,
                                                        LayerWorkspaceMgr workspaceMgr) {
            if (helper == null) {
                return null;
            }
            INDArray delta = preActivationGradient(c, epsilon, workspaceMgr);
            if (delta == null) {
                INDArray z = preOutput(true, true, workspaceMgr).getFirst();
                if (!java.util.Arrays.equals(z.shape(), epsilon.shape())) {
                    return null;
                }
                delta = c.getActivationFn().backprop(z, epsilon).getFirst();
            }
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray bias = c.hasBias()
                    ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr) : null;
            INDArray biasGrad = c.hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            Pair<Gradient, INDArray> ret = helper.backpropGradient(input, weights, bias, delta, c.getKernelSize(),
                    c.getStride(), pad, biasGrad, weightGrad, IDENTITY, c.getCudnnAlgoMode(),
                    c.getCudnnBwdFilterAlgo(), c.getCudnnBwdDataAlgo(), ConvolutionMode.Truncate, c.getDilation(),
                    c.getCnn2dDataFormat(), workspaceMgr);
            if (ret == null) {
                return null;
            }
            weightNoiseParams.clear();
            ret.setSecond(backpropDropOutIfPresent(ret.getSecond()));
            return ret;
        }
    }

    public static class Builder extends ConvolutionLayer.Builder {
        private boolean inputGradient = true;
        private boolean frozenWeights;

        public Builder(int... kernelSize) {
            super(kernelSize);
        }

        /** See {@link FastConvolution#isInputGradient()}. */
        public Builder inputGradient(boolean inputGradient) {
            this.inputGradient = inputGradient;
            return this;
        }

        /** See {@link FastConvolution#isFrozenWeights()}: for a layer inside FrozenLayerWithBackprop. */
        public Builder frozenWeights(boolean frozenWeights) {
            this.frozenWeights = frozenWeights;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public FastConvolution build() {
            super.build(); // DL4J's kernel/stride/padding validation
            if (!inputGradient && activationFn != null && !(activationFn instanceof ActivationIdentity)) {
                throw new IllegalArgumentException("A convolution without input gradient needs the identity activation, got "
                        + activationFn + "; put the activation in a following layer.");
            }
            if (!inputGradient && frozenWeights) {
                throw new IllegalArgumentException("A frozen convolution without input gradient has no gradient at "
                        + "all; leave it out of the backward pass instead.");
            }
            return new FastConvolution(this);
        }
    }
}
