package org.speech2face.model.networks;

import org.speech2face.model.layers.RuntimeLayers;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitUtil;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * CBAM (Woo et al. 2018), the attention block of AR-SPM's encoder and decoder, as a DL4J SameDiff layer so
 * that its configuration is plain JSON (Spark ships it to executors). {@link #defineLayer} is its definition; the
 * runtime layer ({@link CbamLayer}) computes the same forward and backward passes without SameDiff's overhead.
 *
 * <p>Channel attention: average- and max-pool over space, one shared two-layer MLP (reduction {@code r},
 * ReLU), sum, sigmoid, scale the channels. Spatial attention on that result: average and max over channels, a
 * {@code k x k} convolution (2 -> 1 channels, with bias, 'same' padding), sigmoid, scale every position. The
 * reference implementation follows its spatial convolution with batch norm; that is left out here (a single-channel
 * BN only rescales the sigmoid's input), as Woo et al. specify "7x7 conv, sigmoid".
 *
 * <p>Input and output are NCHW activations of the same shape.
 */
public class Cbam extends SameDiffLayer {
    static final String MLP_W1 = "mlpW1";
    static final String MLP_B1 = "mlpB1";
    static final String MLP_W2 = "mlpW2";
    static final String MLP_B2 = "mlpB2";
    static final String SPATIAL_W = "spatialW";
    static final String SPATIAL_B = "spatialB";

    @JsonProperty
    private long channels;
    @JsonProperty
    private int reduction;
    @JsonProperty
    private int spatialKernel;

    /** For Jackson. */
    protected Cbam() {
    }

    private Cbam(Builder b) {
        super(b);
        if (b.reduction < 1) {
            throw new IllegalArgumentException("CBAM reduction must be at least 1, got " + b.reduction + ".");
        }
        if (b.spatialKernel < 1 || b.spatialKernel % 2 == 0) {
            throw new IllegalArgumentException("CBAM spatial kernel must be a positive odd size, got " + b.spatialKernel + ".");
        }
        this.channels = b.channels;
        this.reduction = b.reduction;
        this.spatialKernel = b.spatialKernel;
    }

    /** Channel count (set from the input type when the graph is built). */
    public long getChannels() {
        return channels;
    }

    public int getReduction() {
        return reduction;
    }

    public int getSpatialKernel() {
        return spatialKernel;
    }

    /** Width of the channel MLP's hidden layer: {@code channels / reduction}, at least 1. */
    public long hidden() {
        return Math.max(1, channels / reduction);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional)) {
            throw new IllegalArgumentException("CBAM layer '" + getLayerName() + "' needs a convolutional input, got "
                    + inputType + ".");
        }
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (channels <= 0 || override) {
            channels = ((InputType.InputTypeConvolutional) inputType).getChannels();
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        long h = hidden();
        params.addWeightParam(MLP_W1, channels, h);
        params.addWeightParam(MLP_W2, h, channels);
        params.addWeightParam(SPATIAL_W, spatialKernel, spatialKernel, 2, 1); // [kH, kW, iC, oC] as in libnd4j
        params.addBiasParam(MLP_B1, 1, h);
        params.addBiasParam(MLP_B2, 1, channels);
        params.addBiasParam(SPATIAL_B, 1);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            WeightInit init = weightInit == null ? WeightInit.XAVIER : weightInit;
            long h = hidden();
            long kk = (long) spatialKernel * spatialKernel;
            init(init, channels, h, params.get(MLP_W1));
            init(init, h, channels, params.get(MLP_W2));
            init(init, 2 * kk, kk, params.get(SPATIAL_W));
            params.get(MLP_B1).assign(0);
            params.get(MLP_B2).assign(0);
            params.get(SPATIAL_B).assign(0);
        }
    }

    private static void init(WeightInit init, double fanIn, double fanOut, INDArray target) {
        WeightInitUtil.initWeights(fanIn, fanOut, target.shape(), init, null, 'c', target);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        // Channel attention: shared MLP over the spatial average and maximum, [N, C] each.
        SDVariable avg = x.mean(2, 3);
        SDVariable max = x.max(2, 3);
        SDVariable logits = mlp(sd, avg, p).add(mlp(sd, max, p));
        SDVariable channelWeights = sd.nn().sigmoid(logits).reshape(-1, channels, 1, 1);
        SDVariable refined = x.mul(channelWeights);

        // Spatial attention: [N, 2, H, W] of channel mean and max, one k x k convolution.
        SDVariable pooled = sd.concat(1, refined.mean(true, 1), refined.max(true, 1));
        int pad = spatialKernel / 2;
        Conv2DConfig conv = Conv2DConfig.builder().kH(spatialKernel).kW(spatialKernel).pH(pad).pW(pad)
                .sH(1).sW(1).dataFormat(Conv2DConfig.NCHW).build();
        SDVariable spatial = sd.nn().sigmoid(sd.cnn().conv2d(pooled, p.get(SPATIAL_W), p.get(SPATIAL_B), conv));
        return refined.mul(spatial);
    }

    private static SDVariable mlp(SameDiff sd, SDVariable v, Map<String, SDVariable> p) {
        SDVariable h = sd.nn().relu(v.mmul(p.get(MLP_W1)).add(p.get(MLP_B1)), 0);
        return h.mmul(p.get(MLP_W2)).add(p.get(MLP_B2));
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return RuntimeLayers.wire(new CbamLayer(conf, dataType), conf, listeners, index, paramsView,
                initializeParams, initializer());
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Cbam c) || !super.equals(o)) {
            return false;
        }
        return channels == c.channels && reduction == c.reduction && spatialKernel == c.spatialKernel;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), channels, reduction, spatialKernel);
    }

    /** Builds a CBAM layer; channels come from the input type unless set. */
    public static class Builder extends SameDiffLayer.Builder<Builder> {
        private long channels;
        private int reduction = 16;
        private int spatialKernel = 7;

        public Builder channels(long channels) {
            this.channels = channels;
            return this;
        }

        public Builder reduction(int reduction) {
            this.reduction = reduction;
            return this;
        }

        public Builder spatialKernel(int spatialKernel) {
            this.spatialKernel = spatialKernel;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Cbam build() {
            return new Cbam(this);
        }
    }
}
