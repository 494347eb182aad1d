package org.speech2face.faceapi.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;

/** The settings the three face-api graphs share: float32, and weights that are all loaded, never initialised. */
final class NetConfig {
    private NetConfig() {
    }

    static ComputationGraphConfiguration.GraphBuilder builder() {
        return new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.ZERO)
                .graphBuilder();
    }
}
