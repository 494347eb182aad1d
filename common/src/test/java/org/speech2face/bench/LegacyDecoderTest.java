package org.speech2face.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainingGraphs;

class LegacyDecoderTest {

    @Test
    void undoesTheDecoderGraphChangesAndKeepsTheParameters() {
        ComputationGraphConfiguration current = TrainingGraphs.decoder(ModelProfile.TINY, Networks.paperAdam(),
                DataType.FLOAT, 1);
        ComputationGraphConfiguration legacy = LegacyDecoder.of(current);
        String json = legacy.toJson();
        assertThat(json).doesNotContain("FastDeconvolution", "frozenWeights", "InPlaceRelu", "PYTORCH")
                .contains("org.deeplearning4j.nn.conf.layers.Deconvolution2D", "ActivationLayer");
        assertThat(current.toJson()).contains("FastDeconvolution", "frozenWeights", "InPlaceRelu");
        ComputationGraph a = new ComputationGraph(current);
        a.init();
        ComputationGraph b = new ComputationGraph(legacy);
        b.init();
        assertThat(b.numParams()).isEqualTo(a.numParams());
        assertThat(b.getVertices()).hasSameSizeAs(a.getVertices());
    }
}
