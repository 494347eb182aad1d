package org.speech2face.model.io;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GraphZip against the reference it replaces, DL4J's ModelSerializer, on a zip that ModelSerializer wrote. */
class GraphZipTest {
    private static ComputationGraph trained;

    @TempDir
    Path tmp;

    /** Two Adam steps, so the updater state holds moments that a wrong read would not reproduce. */
    @BeforeAll
    static void trainTwoSteps() {
        trained = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .updater(new Adam(1e-2)).graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(7).nOut(13).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(13).nOut(3)
                        .activation(Activation.IDENTITY).build(), "hidden")
                .setOutputs("out").build());
        trained.init();
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, 7);
        INDArray y = Nd4j.randn(DataType.FLOAT, 5, 3);
        trained.fit(new INDArray[] {x}, new INDArray[] {y});
        trained.fit(new INDArray[] {x}, new INDArray[] {y});
    }

    /** The trained graph as ModelSerializer writes a checkpoint: with its updater state. */
    private File trainedZip() throws java.io.IOException {
        File zip = tmp.resolve("graph.zip").toFile();
        ModelSerializer.writeModel(trained, zip, true);
        return zip;
    }

    @Test
    void readsTheParametersUpdaterStateAndConfigurationThatModelSerializerReads() throws Exception {
        File zip = trainedZip();
        ComputationGraph reference = ModelSerializer.restoreComputationGraph(zip, true);
        ComputationGraph read = GraphZip.read(zip, true);

        assertThat(read.getConfiguration().toJson()).isEqualTo(reference.getConfiguration().toJson());
        assertThat(read.params().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(read.params().toFloatVector()).containsExactly(reference.params().toFloatVector());
        assertThat(read.params().toFloatVector()).containsExactly(trained.params().toFloatVector());
        INDArray state = read.getUpdater().getStateViewArray();
        assertThat(state).as("Adam's moments").isNotNull();
        assertThat(state.toFloatVector()).containsExactly(reference.getUpdater().getStateViewArray().toFloatVector());
        assertThat(state.toFloatVector()).containsExactly(trained.getUpdater().getStateViewArray().toFloatVector());
        assertThat(state.sumNumber().doubleValue()).as("moments after two steps").isNotZero();
    }

    @Test
    void withoutTheUpdaterTheStateIsFreshAsModelSerializerLeavesIt() throws Exception {
        File zip = trainedZip();
        ComputationGraph reference = ModelSerializer.restoreComputationGraph(zip, false);
        ComputationGraph read = GraphZip.read(zip, false);

        assertThat(read.params().toFloatVector()).containsExactly(trained.params().toFloatVector());
        assertThat(read.getUpdater().getStateViewArray().toFloatVector())
                .containsExactly(reference.getUpdater().getStateViewArray().toFloatVector());
        assertThat(read.getUpdater().getStateViewArray().sumNumber().doubleValue()).isZero();
    }

    @Test
    void arraysDecodeAsNd4jReadDecodesThemInEitherOrderAndTypeWithTheirShape() throws Exception {
        Nd4j.getRandom().setSeed(8);
        for (INDArray a : new INDArray[] {Nd4j.rand(DataType.FLOAT, 3, 4, 5), Nd4j.rand(DataType.FLOAT, 'f', 6, 7),
                Nd4j.rand(DataType.FLOAT, 4, 9).transpose(), Nd4j.rand(DataType.DOUBLE, 2, 3)}) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
                Nd4j.write(a, out);
            }
            INDArray reference = Nd4j.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            INDArray read = GraphZip.array(bytes.toByteArray());

            assertThat(read.dataType()).isEqualTo(a.dataType());
            assertThat(read.shape()).containsExactly(a.shape());
            assertThat(read.ordering()).isEqualTo(reference.ordering());
            assertThat(read.equals(a)).as("values of " + a.shapeInfoToString()).isTrue();
        }
    }

    @Test
    void aMultiLayerNetworkZipIsNotTakenForAGraph() throws Exception {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(1)
                        .activation(Activation.IDENTITY).build()).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        File zip = tmp.resolve("mln.zip").toFile();
        ModelSerializer.writeModel(net, zip, false);

        assertThatThrownBy(() -> GraphZip.read(zip, false)).isInstanceOf(java.io.IOException.class)
                .hasMessage("The zip's configuration.json is not a ComputationGraph configuration.");
    }
}
