package org.speech2face.model.layers;

import java.util.Collection;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
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
 * 377 ms -> 15 ms.
 */
public class FastConvolution extends ConvolutionLayer {
    /**
     * False for a convolution that reads a network input: its input gradient is then never computed (the backward
     * pass returns zeros) and the weight gradient comes from {@link WeightGradient}. Needs an identity activation.
     */
    @JsonProperty
    private boolean inputGradient = true;

    /** For Jackson. */
    public FastConvolution() {
    }

    private FastConvolution(Builder b) {
        super(b);
        this.inputGradient = b.inputGradient;
    }

    public boolean isInputGradient() {
        return inputGradient;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        LayerValidation.assertNInNOutSet("FastConvolution", getLayerName(), index, getNIn(), getNOut());
        return RuntimeLayers.wire(new Runtime(conf, dataType), conf, listeners, index, paramsView,
                initializeParams, initializer());
    }

    /** DL4J's runtime convolution with the oneDNN helper attached. */
    static final class Runtime extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
            if (NativeBackend.hasOneDnn()) {
                helper = new MKLDNNConvHelper(dataType);
            }
        }

        boolean usesOneDnn() {
            return helper != null;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            FastConvolution c = (FastConvolution) layerConf();
            boolean plain = c.getConvolutionMode() != ConvolutionMode.Same && epsilon.dataType() == DataType.FLOAT
                    && input.dataType() == DataType.FLOAT;
            if (!plain) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            if (c.isInputGradient()) {
                Pair<Gradient, INDArray> ret = helperBackprop(c, epsilon, workspaceMgr);
                return ret != null ? ret : super.backpropGradient(epsilon, workspaceMgr);
            }
            assertInputSet(true);
            INDArray biasGrad = c.hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            WeightGradient.compute(input, epsilon, c.getCnn2dDataFormat(), c.getKernelSize(),
                    c.getStride(), c.getPadding(), c.getDilation(), weightGrad, biasGrad, workspaceMgr);
            Gradient g = new DefaultGradient();
            if (biasGrad != null) {
                g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            weightNoiseParams.clear();
            // ComputationGraph wants an input gradient from every layer; a zero one is cheap and never read
            return new Pair<>(g, workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c'));
        }

        /**
         * The backward pass on oneDNN, or null when oneDNN is not there. Two departures from DL4J's own: with the
         * identity activation the output gradient already is the pre-activation gradient, so the forward convolution
         * is not run again (measured on the SE's conv5 at batch 16: 452 -> 250 ms); and with another activation on
         * NHWC activations, DL4J 1.0.0-M2.1 permutes the recomputed pre-activations as if they were NCHW and returns
         * wrong gradients (found by comparing with the NCHW graph), so the pre-activations are taken as they come.
         */
        private Pair<Gradient, INDArray> helperBackprop(FastConvolution c, INDArray epsilon,
                                                        LayerWorkspaceMgr workspaceMgr) {
            if (helper == null) {
                return null;
            }
            assertInputSet(true);
            if (!(c.getActivationFn() instanceof ActivationIdentity)) {
                INDArray z = preOutput(true, true, workspaceMgr).getFirst();
                if (!java.util.Arrays.equals(z.shape(), epsilon.shape())) {
                    return null;
                }
                epsilon = c.getActivationFn().backprop(z, epsilon).getFirst();
            }
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray bias = c.hasBias()
                    ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr) : null;
            INDArray biasGrad = c.hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            Pair<Gradient, INDArray> ret = helper.backpropGradient(input, weights, bias, epsilon, c.getKernelSize(),
                    c.getStride(), c.getPadding(), biasGrad, weightGrad, c.getActivationFn(), c.getCudnnAlgoMode(),
                    c.getCudnnBwdFilterAlgo(), c.getCudnnBwdDataAlgo(), c.getConvolutionMode(), c.getDilation(),
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

        public Builder(int... kernelSize) {
            super(kernelSize);
        }

        /** See {@link FastConvolution#isInputGradient()}. */
        public Builder inputGradient(boolean inputGradient) {
            this.inputGradient = inputGradient;
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
            return new FastConvolution(this);
        }
    }
}
