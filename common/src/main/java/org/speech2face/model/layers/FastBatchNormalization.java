package org.speech2face.model.layers;

import java.lang.reflect.Field;
import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch norm (DL4J defaults: decay 0.9, eps 1e-5) with {@link ChannelsLastBatchNorm} attached: its own fast path
 * on NHWC float activations, oneDNN's helper on NCHW when the ND4J build has it ({@link NativeBackend}), else the
 * helper DL4J picked itself (cuDNN's on the CUDA build, none on a plain CPU build). DL4J keeps
 * the runtime layer's helper in a package-private field, so it is attached by reflection; if that field is ever
 * missing the layer simply stays DL4J's own implementation (same results, slower).
 */
public class FastBatchNormalization extends BatchNormalization {

    public FastBatchNormalization() {
        super();
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        LayerValidation.assertNOutSet("FastBatchNormalization", getLayerName(), index, getNOut());
        org.deeplearning4j.nn.layers.normalization.BatchNormalization ret =
                new org.deeplearning4j.nn.layers.normalization.BatchNormalization(conf, dataType);
        // NCHW falls back to oneDNN's helper, else to the one DL4J chose itself (cuDNN's on the CUDA build)
        attachHelper(ret, new ChannelsLastBatchNorm(NativeBackend.hasOneDnn() ? new MKLDNNBatchNormHelper(dataType)
                : dl4jHelper(ret)));
        return RuntimeLayers.wire(ret, conf, listeners, index, paramsView, initializeParams, initializer());
    }

    private static BatchNormalizationHelper dl4jHelper(org.deeplearning4j.nn.layers.normalization.BatchNormalization layer) {
        try {
            Field f = org.deeplearning4j.nn.layers.normalization.BatchNormalization.class.getDeclaredField("helper");
            f.setAccessible(true);
            return (BatchNormalizationHelper) f.get(layer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static void attachHelper(org.deeplearning4j.nn.layers.normalization.BatchNormalization layer, Object helper) {
        try {
            Field f = org.deeplearning4j.nn.layers.normalization.BatchNormalization.class.getDeclaredField("helper");
            f.setAccessible(true);
            f.set(layer, helper);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // stays on DL4J's implementation: same results, slower
        }
    }
}
