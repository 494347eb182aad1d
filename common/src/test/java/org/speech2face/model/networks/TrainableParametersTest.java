package org.speech2face.model.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.contracts.PriorFusion;

/**
 * The training graphs' parameters taken apart into trainable and frozen and put back, checked against the parameter
 * views DL4J gave each layer (its own offsets, not this class's).
 */
class TrainableParametersTest {

    private static ComputationGraph decoder() {
        ComputationGraph g = new ComputationGraph(TrainingGraphs.decoder(ModelProfile.TINY, Networks.paperAdam(),
                DataType.FLOAT, 1));
        g.init();
        return g;
    }

    private static ComputationGraph encoder() {
        ComputationGraph g = new ComputationGraph(TrainingGraphs.encoder(ModelProfile.TINY, PriorFusion.ADD_FC,
                Networks.paperAdam(), DataType.FLOAT, 1));
        g.init();
        return g;
    }

    /**
     * The concatenated parameter views of the frozen (or trainable) vertices, in topological order: VGGFace in the
     * decoder's graph, the tri-item loss (its DFc1 and VFc3) in the encoder's, as the networks are specified.
     */
    private static INDArray viewsOf(ComputationGraph g, boolean frozen) {
        List<INDArray> parts = new ArrayList<>();
        for (int i : g.topologicalSortOrder()) {
            GraphVertex v = g.getVertices()[i];
            String name = v.getVertexName();
            if (v.numParams() > 0 && (name.startsWith("vgg_") || name.equals("tri_loss")) == frozen) {
                parts.add(v.params().reshape(v.numParams()));
            }
        }
        return Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    @Test
    void theDecodersFrozenVggFaceAndTheEncodersFrozenLayersAreFoundWhereDl4jPutThem() {
        for (ComputationGraph g : List.of(decoder(), encoder())) {
            g.params().assign(Nd4j.rand(DataType.FLOAT, g.numParams()));
            TrainableParameters layout = TrainableParameters.of(g);
            assertThat(layout.frozen()).isPositive();
            assertThat(layout.trainable()).isPositive();
            assertThat(layout.trainable() + layout.frozen()).isEqualTo(g.numParams()).isEqualTo(layout.total());
            assertThat(layout.frozenOf(g.params())).isEqualTo(viewsOf(g, true));
            assertThat(layout.trainableOf(g.params())).isEqualTo(viewsOf(g, false));
        }
    }

    @Test
    void thePartsMakeTheWholeVectorAgainAndWritingTrainableValuesLeavesFrozenOnes() {
        ComputationGraph g = decoder();
        TrainableParameters layout = TrainableParameters.of(g);
        INDArray before = g.params().dup();
        INDArray frozen = layout.frozenOf(before);
        assertThat(layout.assemble(layout.trainableOf(before), frozen)).isEqualTo(before);

        INDArray newTrainable = Nd4j.rand(DataType.FLOAT, layout.trainable());
        layout.setTrainable(g.params(), newTrainable); // in place: the layers see it through their views
        assertThat(viewsOf(g, false)).isEqualTo(newTrainable);
        assertThat(viewsOf(g, true)).isEqualTo(frozen);
    }

    @Test
    void partsOfTheWrongSizeAreRefusedWithTheirSizes() {
        ComputationGraph g = decoder();
        TrainableParameters layout = TrainableParameters.of(g);
        assertThatThrownBy(() -> layout.setTrainable(g.params(), Nd4j.zeros(DataType.FLOAT, 3)))
                .hasMessage("Expected " + layout.trainable() + " parameters for this part of the graph, got 3.");
        assertThatThrownBy(() -> layout.trainableOf(Nd4j.zeros(DataType.FLOAT, 5)))
                .hasMessage("Expected the graph's whole parameter vector of " + layout.total() + " values, got 5.");
        assertThatThrownBy(() -> layout.assemble(layout.trainableOf(g.params()), null))
                .hasMessage("The graph has " + layout.frozen() + " frozen parameters but none were given.");
    }
}
