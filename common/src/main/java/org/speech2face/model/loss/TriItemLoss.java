package org.speech2face.model.loss;

import org.speech2face.model.layers.RuntimeLayers;
import org.speech2face.model.networks.ModelProfile;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * SE's tri-item loss (eq. 7) as an output layer; input Sf, labels Ff:
 * <pre>
 *   l1 * || Ff/|Ff| - Sf/|Sf| ||_2^2  +  l2 * || DFc1(Ff) - DFc1(Sf) ||_1  +  l3 * (1 - cos(VFc3(Ff), VFc3(Sf)))
 * </pre>
 * with DFc1(x) = relu(x W1 + b1), FD's first fc layer, and VFc3(x) = relu(x) W8 + b8, VGGFace's fc8 after fc7's
 * ReLU. Both norms are sums over their vector (as written in the paper), averaged over the minibatch.
 *
 * <p>The two frozen layers are this layer's own parameters ({@link #DFC1_W}, ... copied in from the trained FD
 * and from VGGFace), held still by a zero learning rate ({@code Sgd(0)}; DL4J's {@code NoOp} updater would apply
 * the raw gradient): their gradients are computed (a few percent of a step) but the update is zero. This keeps Ff
 * out of the graph's inputs: it only arrives as the label. The forward and backward passes are written out in
 * {@link TriItemLossLayer} (checked against finite differences in double precision): as a SameDiff layer the same
 * loss cost 350 ms of a 2.3 s paper SE step at batch 16.
 */
public class TriItemLoss extends BaseLayer {
    public static final String DFC1_W = "dfc1W";
    public static final String DFC1_B = "dfc1b";
    public static final String VFC3_W = "vfc3W";
    public static final String VFC3_B = "vfc3b";
    public static final double[] PAPER_LAMBDAS = {1.0, 0.04, 1.2};

    @JsonProperty
    private long features;
    @JsonProperty
    private long hidden;
    @JsonProperty
    private long identities;
    @JsonProperty
    private double lambda1;
    @JsonProperty
    private double lambda2;
    @JsonProperty
    private double lambda3;

    /** For Jackson. */
    protected TriItemLoss() {
    }

    public TriItemLoss(ModelProfile profile, double lambda1, double lambda2, double lambda3) {
        this(profile.featureDim(), profile.decoderHidden(), profile.identities(), lambda1, lambda2, lambda3);
    }

    public TriItemLoss(long features, long hidden, long identities, double lambda1, double lambda2, double lambda3) {
        if (features < 1 || hidden < 1 || identities < 1) {
            throw new IllegalArgumentException("Tri-item loss sizes must be positive, got features " + features
                    + ", DFc1 width " + hidden + ", identities " + identities + ".");
        }
        if (lambda1 < 0 || lambda2 < 0 || lambda3 < 0) {
            throw new IllegalArgumentException("Tri-item loss weights must be non-negative, got " + lambda1 + ", "
                    + lambda2 + ", " + lambda3 + ".");
        }
        this.features = features;
        this.hidden = hidden;
        this.identities = identities;
        this.lambda1 = lambda1;
        this.lambda2 = lambda2;
        this.lambda3 = lambda3;
        // zero learning rate: DL4J's NoOp would apply the raw gradient (it means "learning rate 1")
        this.iUpdater = new Sgd(0.0);
        this.biasUpdater = new Sgd(0.0);
    }

    public double[] lambdas() {
        return new double[] {lambda1, lambda2, lambda3};
    }

    public long getFeatures() {
        return features;
    }

    public long getHidden() {
        return hidden;
    }

    public long getIdentities() {
        return identities;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return RuntimeLayers.wire(new TriItemLossLayer(conf, dataType), conf, listeners, index, paramsView,
                initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return TriItemLossParams.INSTANCE;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (!(inputType instanceof InputType.InputTypeFeedForward f) || f.getSize() != features) {
            throw new IllegalArgumentException("The tri-item loss expects Sf of length " + features + ", got " + inputType + ".");
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    /** The frozen layers never take weight decay. */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return List.of();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(getLayerName(), TriItemLoss.class, inputType, inputType)
                .standardMemory(params, params).workingMemory(0, 0, 0, 0)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TriItemLoss t) || !super.equals(o)) {
            return false;
        }
        return features == t.features && hidden == t.hidden && identities == t.identities && lambda1 == t.lambda1
                && lambda2 == t.lambda2 && lambda3 == t.lambda3;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), features, hidden, identities, lambda1, lambda2, lambda3);
    }
}
