package org.speech2face.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainingGraphs;

/** {@code s2f bench layers}: every vertex of the decoder and encoder training graphs gets its row. */
class LayerTimesTest {

    @Test
    void timesEveryVertexOfTheDecoderGraphForwardAndBack() {
        ComputationGraphConfiguration conf = TrainingGraphs.decoder(ModelProfile.TINY, Networks.paperAdam(),
                DataType.FLOAT, 1);
        List<LayerTimes.Row> rows = LayerTimes.measure(conf, ModelProfile.TINY, 2, 1);
        assertThat(rows).extracting(LayerTimes.Row::vertex).containsExactlyInAnyOrderElementsOf(layerVertices(conf));
        assertThat(rows).allMatch(r -> r.forward() >= 0 && r.backward() >= 0);
        assertThat(rows.stream().mapToDouble(LayerTimes.Row::backward).sum()).isPositive();
        StringBuilder printed = new StringBuilder();
        LayerTimes.print(rows, 0, l -> printed.append(l).append('\n'));
        assertThat(printed.toString()).contains("face decoder", "VGGFace (frozen)", "losses", "total");
    }

    @Test
    void timesEveryVertexOfTheEncoderGraph() {
        List<LayerTimes.Row> rows = LayerTimes.measureEncoder(ModelProfile.TINY, 2, 1);
        assertThat(rows).isNotEmpty().anyMatch(r -> r.vertex().startsWith("se_") && r.backward() > 0);
    }

    private static List<String> layerVertices(ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return Arrays.stream(g.getVertices()).filter(v -> !v.isInputVertex()).map(GraphVertex::getVertexName).toList();
    }
}
