package org.speech2face.model.layers;

import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Max/average pooling on oneDNN when available ({@link NativeBackend}); otherwise DL4J's {@link SubsamplingLayer}. */
public class FastSubsampling extends SubsamplingLayer {

    /** For Jackson. */
    public FastSubsampling() {
    }

    private FastSubsampling(Builder b) {
        super(b);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return RuntimeLayers.wire(new Runtime(conf, dataType), conf, listeners, index, paramsView,
                initializeParams, initializer());
    }

    static final class Runtime extends org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
            if (NativeBackend.hasOneDnn()) {
                helper = new MKLDNNSubsamplingHelper(dataType);
            }
        }
    }

    public static class Builder extends SubsamplingLayer.Builder {
        public Builder(SubsamplingLayer.PoolingType type) {
            super(type);
        }

        @Override
        @SuppressWarnings("unchecked")
        public FastSubsampling build() {
            super.build();
            return new FastSubsampling(this);
        }
    }
}
