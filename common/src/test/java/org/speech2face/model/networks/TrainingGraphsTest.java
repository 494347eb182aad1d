package org.speech2face.model.networks;

import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.io.Weights;
import org.speech2face.model.layers.VggFacePreprocess;
import org.speech2face.model.loss.CosineDistanceLoss;
import org.speech2face.model.loss.FaceImageLoss;
import org.speech2face.model.loss.TriItemLoss;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.speech2face.model.layers.FrozenDense;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.speech2face.testing.MsSsimVectors;

/** The tiny training graphs learn on a fixed batch and leave their frozen parts alone. */
class TrainingGraphsTest {
    private static final ModelProfile TINY = ModelProfile.TINY;

    private static INDArray realFaces() {
        String[] names = {"obama_64.png", "other_64.png", "blur_64.png", "brighter_64.png"};
        INDArray faces = Nd4j.create(DataType.FLOAT, names.length, 3, 64, 64);
        for (int i = 0; i < names.length; i++) {
            faces.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(
                    Nd4j.create(MsSsimVectors.image(names[i]), new long[] {3, 64, 64}));
        }
        return faces;
    }

    @Test
    void decoderGraphLowersItsLossAndKeepsVggFaceFrozen() {
        ComputationGraph vgg = new ComputationGraph(VggFace.configuration(TINY, DataType.FLOAT, 7));
        vgg.init();
        INDArray faces = realFaces();
        INDArray ff = vgg.output(faces)[0];

        ComputationGraph g = new ComputationGraph(TrainingGraphs.decoder(TINY, new Adam(3e-3), DataType.FLOAT, 1));
        g.init();
        TrainingGraphs.loadFrozenVggFace(g, vgg);
        INDArray vggBefore = g.getLayer("vgg_conv3_2").params().dup();
        INDArray fdBefore = g.getLayer("fd_deconv3").params().dup();
        INDArray fc6Before = g.getLayer(VggFace.FC6).params().dup();

        MultiDataSet batch = new MultiDataSet(new INDArray[] {ff}, new INDArray[] {faces, ff});
        double before = g.score(batch);
        for (int i = 0; i < 12; i++) {
            g.fit(batch);
        }
        double after = g.score(batch);
        assertThat(after).as("loss %s -> %s", before, after).isLessThan(before * 0.9);
        assertThat(g.getLayer("vgg_conv3_2").params()).isEqualTo(vggBefore);
        assertThat(g.getLayer(VggFace.FC6).params()).isEqualTo(fc6Before);
        long vggParams = VggFace.parameterLayerNames().stream().filter(n -> g.getVertex(n) != null)
                .mapToLong(n -> g.getLayer(n).numParams()).sum();
        assertThat(vggParams).isPositive();
        long runningStats = 0; // batch norm's running mean and variance are not trained by Adam
        for (org.deeplearning4j.nn.api.Layer l : g.getLayers()) {
            if (l.conf().getLayer().getLayerName().startsWith("fd_bn")) {
                for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                    runningStats += e.getKey().equals("gamma") || e.getKey().equals("beta") ? 0 : e.getValue().length();
                }
            }
        }
        assertThat(runningStats).isPositive();
        assertThat(g.getUpdater().getStateViewArray().length()).as("Adam's moments for the decoder's parameters alone")
                .isEqualTo(2 * (g.numParams() - vggParams - runningStats));
        assertThat(g.getLayer("fd_deconv3").params()).isNotEqualTo(fdBefore);

        INDArray[] out = g.output(ff);
        assertThat(out[0].shape()).containsExactly(4, 3, 64, 64);
        assertThat(out[1].shape()).containsExactly(4, 512);
        // the frozen copy computes exactly what VGGFace computes on the generated faces
        assertThat(out[1].sub(vgg.output(out[0])[0]).amaxNumber().doubleValue()).isLessThan(1e-3);
        // and the trained decoder moves into the inference graph by layer name
        ComputationGraph fd = new ComputationGraph(FaceDecoder.configuration(TINY, DataType.FLOAT, 99));
        fd.init();
        assertThat(Weights.copyCommonLayers(g, fd)).isEqualTo(fd.getLayers().length - 11); // all but the 11 ReLUs
        assertThat(fd.outputSingle(ff).sub(out[0]).amaxNumber().doubleValue()).isLessThan(1e-5);
    }

    @Test
    void encoderGraphLowersItsLossAndKeepsTheLossLayersFrozen() {
        for (PriorFusion fusion : new PriorFusion[] {PriorFusion.NONE, PriorFusion.ADD_FC}) {
            ComputationGraph g = new ComputationGraph(TrainingGraphs.encoder(TINY, fusion, new Adam(3e-3), DataType.FLOAT, 3));
            g.init();
            ComputationGraph fd = new ComputationGraph(FaceDecoder.configuration(TINY, DataType.FLOAT, 4));
            fd.init();
            ComputationGraph vgg = new ComputationGraph(VggFace.configuration(TINY, DataType.FLOAT, 5));
            vgg.init();
            TrainingGraphs.loadFrozenLossLayers(g, fd, vgg);
            assertThat(g.getLayer(TrainingGraphs.TRI_LOSS).getParam(TriItemLoss.DFC1_W))
                    .isEqualTo(fd.getLayer(FaceDecoder.FC1).getParam("W"));
            assertThat(g.getLayer(TrainingGraphs.TRI_LOSS).getParam(TriItemLoss.VFC3_W))
                    .isEqualTo(vgg.getLayer(VggFace.FC8).getParam("W"));
            INDArray frozenBefore = g.getLayer(TrainingGraphs.TRI_LOSS).params().dup();

            Nd4j.getRandom().setSeed(9);
            INDArray spec = Nd4j.randn(DataType.FLOAT, 4, 2, 598, 257);
            INDArray ff = Nd4j.randn(DataType.FLOAT, 4, 512);
            INDArray[] inputs = fusion.usesPrior() ? new INDArray[] {spec, ff.mean(true, 0).repeat(0, 4)} : new INDArray[] {spec};
            MultiDataSet batch = new MultiDataSet(inputs, new INDArray[] {ff});
            double before = g.score(batch);
            for (int i = 0; i < 4; i++) {
                g.fit(batch);
            }
            double after = g.score(batch);
            assertThat(after).as("%s loss %s -> %s", fusion, before, after).isLessThan(before * 0.9);
            assertThat(g.getLayer(TrainingGraphs.TRI_LOSS).params()).isEqualTo(frozenBefore);
            assertThat(g.output(inputs)[0].shape()).containsExactly(4, 512);
        }
    }

    @Test
    void trainingConfigurationsSurviveAJsonRoundTrip() {
        ComputationGraphConfiguration[] confs = {
                TrainingGraphs.decoder(TINY, Networks.paperAdam(), DataType.FLOAT, 1),
                TrainingGraphs.encoder(TINY, PriorFusion.ADD, Networks.paperAdam(), DataType.FLOAT, 1),
                TrainingGraphs.encoder(ModelProfile.PAPER, PriorFusion.ADD_FC, Networks.paperAdam(), DataType.FLOAT, 1),
                TrainingGraphs.decoder(ModelProfile.PAPER, Networks.paperAdam(), DataType.FLOAT, 1)};
        for (ComputationGraphConfiguration conf : confs) {
            String json = conf.toJson();
            ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
            assertThat(back).isEqualTo(conf);
            assertThat(back.toJson()).isEqualTo(json);
        }
        assertThat(confs[0].toJson()).contains(FaceImageLoss.class.getName(), CosineDistanceLoss.class.getName(),
                Cbam.class.getName(), VggFacePreprocess.class.getName(), "FrozenLayerWithBackprop",
                FrozenDense.class.getName(), NoOp.class.getName());
        assertThat(confs[1].toJson()).contains(TriItemLoss.class.getName(), "\"beta1\" : 0.5", "\"epsilon\" : 1.0E-4", "Sgd");

        // the rebuilt tiny encoder computes the same loss from the same parameters
        ComputationGraph a = new ComputationGraph(confs[1]);
        a.init();
        ComputationGraph b = new ComputationGraph(ComputationGraphConfiguration.fromJson(confs[1].toJson()));
        b.init(a.params().dup(), true);
        Nd4j.getRandom().setSeed(5);
        MultiDataSet batch = new MultiDataSet(new INDArray[] {Nd4j.randn(DataType.FLOAT, 2, 2, 598, 257),
                Nd4j.randn(DataType.FLOAT, 2, 512)}, new INDArray[] {Nd4j.randn(DataType.FLOAT, 2, 512)});
        assertThat(b.score(batch)).isEqualTo(a.score(batch));
    }

    @Test
    void paperOptimiserIsAdamWithTheDecaySchedule() {
        Adam adam = (Adam) Networks.paperAdam();
        assertThat(adam.getBeta1()).isEqualTo(0.5);
        assertThat(adam.getBeta2()).isEqualTo(0.999);
        assertThat(adam.getEpsilon()).isEqualTo(1e-4);
        assertThat(adam.getLearningRate(0, 0)).isEqualTo(1e-3);
        assertThat(adam.getLearningRate(100, 1)).isEqualTo(1e-3);
        assertThat(adam.getLearningRate(100, 2)).isCloseTo(9e-4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(adam.getLearningRate(100, 5)).isCloseTo(1e-3 * 0.81, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void frozenWeightsMustMatchInShape() {
        ComputationGraph g = new ComputationGraph(TrainingGraphs.encoder(TINY, PriorFusion.NONE, Networks.paperAdam(), DataType.FLOAT, 3));
        g.init();
        ComputationGraph tinyFd = new ComputationGraph(FaceDecoder.configuration(TINY, DataType.FLOAT, 4));
        tinyFd.init();
        ComputationGraph otherVgg = new ComputationGraph(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .graphBuilder().addInputs("x")
                .addLayer(VggFace.FC8, new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(512).nOut(10).build(), "x")
                .setOutputs(VggFace.FC8).build());
        otherVgg.init();
        INDArray before = g.getLayer(TrainingGraphs.TRI_LOSS).params().dup();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainingGraphs.loadFrozenLossLayers(g, tinyFd, otherVgg))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vgg_fc8 W").hasMessageContaining("[512, 10]").hasMessageContaining("[512, 2622]");
        assertThat(g.getLayer(TrainingGraphs.TRI_LOSS).params()).as("left untouched").isEqualTo(before);
    }
}
