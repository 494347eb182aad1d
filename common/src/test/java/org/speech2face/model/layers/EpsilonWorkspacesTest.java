package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Releasing the activation-gradient workspaces between steps: they exist, they go, and training is unchanged. */
class EpsilonWorkspacesTest {

    private static ComputationGraph graph() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .updater(new Adam(1e-2)).trainingWorkspaceMode(WorkspaceMode.ENABLED).graphBuilder()
                .addInputs("in")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(6).activation(Activation.RELU).build(), "in")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(6).activation(Activation.RELU).build(), "c1")
                .addLayer("d", new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build(), "c2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build(), "d")
                .setOutputs("out").setInputTypes(InputType.convolutional(10, 9, 2)).build());
        g.init();
        return g;
    }

    private static List<String> epsilonWorkspaces() {
        return Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread().stream().map(MemoryWorkspace::getId)
                .filter(id -> id.startsWith(EpsilonWorkspaces.PREFIX)).toList();
    }

    @Test
    void releasedAfterEachStepTheyAreGoneAndTrainingIsUnchanged() {
        Nd4j.getRandom().setSeed(2);
        MultiDataSet batch = new MultiDataSet(Nd4j.randn(DataType.FLOAT, 4, 2, 10, 9), Nd4j.randn(DataType.FLOAT, 4, 3));
        ComputationGraph kept = graph();
        ComputationGraph released = graph();
        EpsilonWorkspaces.release(); // whatever earlier tests on this thread left
        for (int step = 0; step < 6; step++) {
            kept.fit(batch);
        }
        assertThat(epsilonWorkspaces()).as("DL4J's backward pass made its epsilon workspaces").isNotEmpty();
        int count = epsilonWorkspaces().size();
        assertThat(EpsilonWorkspaces.release()).isEqualTo(count);
        assertThat(epsilonWorkspaces()).as("after release").isEmpty();

        for (int step = 0; step < 6; step++) {
            released.fit(batch);
            assertThat(EpsilonWorkspaces.release()).as("step %d", step).isPositive();
        }
        INDArray difference = kept.params().sub(released.params());
        assertThat(difference.amaxNumber().doubleValue()).as("the same six Adam steps").isEqualTo(0.0);
    }
}
