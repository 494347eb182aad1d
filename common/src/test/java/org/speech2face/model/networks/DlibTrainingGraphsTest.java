package org.speech2face.model.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.contracts.PriorFusion;
import org.speech2face.faceapi.nets.FaceDescriptorNet;
import org.speech2face.model.loss.LossTerms;
import org.speech2face.model.loss.TriItemLoss;
import org.speech2face.testing.MsSsimVectors;

/**
 * The dlib-resnet128 profile's training graphs with face-api's real descriptor weights: the decoder learns with the
 * descriptor frozen in its feature loss, and the encoder predicts 128 values under a tri-item loss without VFc3.
 * Slow (the SE on full spectrograms, the ResNet-34 in the decoder's loss): about 30 s on 2 shared cores.
 */
@Tag("slow")
class DlibTrainingGraphsTest {
    private static final ModelProfile TINY = ModelProfile.TINY;
    private static FaceDescriptorNet net;

    @BeforeEach // not @BeforeAll: a skip there would be reported as no test at all
    void weights() throws IOException {
        net = DescriptorWeights.net();
    }

    static INDArray realFaces() {
        String[] names = {"obama_64.png", "other_64.png", "blur_64.png", "brighter_64.png"};
        INDArray faces = Nd4j.create(DataType.FLOAT, names.length, 3, 64, 64);
        for (int i = 0; i < names.length; i++) {
            faces.get(NDArrayIndex.point(i)).assign(Nd4j.create(MsSsimVectors.image(names[i]), new long[] {3, 64, 64}));
        }
        return faces;
    }

    @Test
    void decoderGraphLowersItsLossAndKeepsTheDescriptorFrozen() {
        // one face: each step runs the ResNet-34 forward and backward per face, and one face is enough to learn
        INDArray faces = realFaces().get(NDArrayIndex.interval(0, 1)).dup();
        ComputationGraph features = DlibDescriptor.featureGraph(TINY, net);
        INDArray ff = features.outputSingle(faces);

        ComputationGraph g = new ComputationGraph(TrainingGraphs.decoder(TINY, FeatureNetwork.DLIB_RESNET128,
                new Adam(3e-3), DataType.FLOAT, 1));
        g.init();
        TrainingGraphs.loadFrozenDescriptor(g, net);
        INDArray descriptorBefore = g.getLayer(DlibDescriptor.PREFIX + "conv64_2_conv1").params().dup();
        INDArray fdBefore = g.getLayer("fd_deconv3").params().dup();
        MultiDataSet batch = new MultiDataSet(new INDArray[] {ff}, new INDArray[] {faces, ff});
        double before = g.score(batch);
        for (int i = 0; i < 12; i++) {
            g.fit(batch);
        }
        double after = g.score(batch);
        assertThat(after).as("loss %s -> %s", before, after).isLessThan(before * 0.9);
        assertThat(g.getLayer(DlibDescriptor.PREFIX + "conv64_2_conv1").params()).isEqualTo(descriptorBefore);
        assertThat(g.getLayer("fd_deconv3").params()).isNotEqualTo(fdBefore);

        INDArray[] out = g.output(ff);
        assertThat(out[0].shape()).containsExactly(1, 3, 64, 64);
        assertThat(out[1].shape()).containsExactly(1, 128);
        // the frozen copy computes exactly what the feature graph computes on the generated faces
        assertThat(out[1].sub(features.outputSingle(out[0])).amaxNumber().doubleValue()).isLessThan(1e-4);
    }

    @Test
    void encoderGraphPredictsTheDescriptorUnderTwoTriItemTerms() {
        ComputationGraph fd = new ComputationGraph(TrainingGraphs.decoder(TINY, FeatureNetwork.DLIB_RESNET128,
                new Adam(1e-3), DataType.FLOAT, 4));
        fd.init();
        for (PriorFusion fusion : new PriorFusion[] {PriorFusion.NONE, PriorFusion.ADD_FC}) {
            ComputationGraph g = new ComputationGraph(TrainingGraphs.encoder(TINY, fusion,
                    FeatureNetwork.DLIB_RESNET128, new Adam(3e-3), DataType.FLOAT, 3));
            g.init();
            TrainingGraphs.loadFrozenDecoderLayer(g, fd);
            Map<String, INDArray> loss = g.getLayer(TrainingGraphs.TRI_LOSS).paramTable();
            assertThat(loss.get(TriItemLoss.DFC1_W)).isEqualTo(fd.getLayer(FaceDecoder.FC1).getParam("W"));
            assertThat(loss.get(TriItemLoss.VFC3_W).amaxNumber().doubleValue()).isZero();
            INDArray frozenBefore = g.getLayer(TrainingGraphs.TRI_LOSS).params().dup();

            Nd4j.getRandom().setSeed(9);
            INDArray spec = Nd4j.randn(DataType.FLOAT, 2, 2, 598, 257);
            INDArray ff = Nd4j.randn(DataType.FLOAT, 2, 128);
            INDArray[] inputs = fusion.usesPrior() ? new INDArray[] {spec, ff.mean(true, 0).repeat(0, 2)}
                    : new INDArray[] {spec};
            MultiDataSet batch = new MultiDataSet(inputs, new INDArray[] {ff});
            INDArray sf = g.output(false, inputs)[0];
            assertThat(sf.shape()).containsExactly(2, 128);
            // the loss is l1 * |unit(Ff) - unit(Sf)|^2 + l2 * |DFc1(Ff) - DFc1(Sf)|_1, nothing else
            double expected = twoTerms(sf, ff, loss.get(TriItemLoss.DFC1_W), loss.get(TriItemLoss.DFC1_B));
            assertThat(g.score(batch)).isCloseTo(expected, within(1e-4 * expected));
            Map<String, Double> terms = LossTerms.ENCODER.evaluator(g).add(batch).means();
            assertThat(terms).containsOnlyKeys("feature_term", "decoder_term", LossTerms.TOTAL);
            assertThat(terms.get(LossTerms.TOTAL)).isCloseTo(expected, within(1e-4 * expected));

            double before = g.score(batch);
            for (int i = 0; i < 4; i++) {
                g.fit(batch);
            }
            assertThat(g.score(batch)).as("%s", fusion).isLessThan(before * 0.9);
            assertThat(g.getLayer(TrainingGraphs.TRI_LOSS).params()).isEqualTo(frozenBefore);
        }
    }

    @Test
    void dlibConfigurationsSurviveAJsonRoundTrip() {
        for (ComputationGraphConfiguration conf : List.of(
                TrainingGraphs.decoder(TINY, FeatureNetwork.DLIB_RESNET128, Networks.paperAdam(), DataType.FLOAT, 1),
                TrainingGraphs.encoder(TINY, PriorFusion.ADD_FC, FeatureNetwork.DLIB_RESNET128, Networks.paperAdam(),
                        DataType.FLOAT, 1))) {
            assertThat(ComputationGraphConfiguration.fromJson(conf.toJson())).isEqualTo(conf);
        }
    }

    /** The tri-item loss's first two terms, per example and averaged, written out in double precision. */
    private static double twoTerms(INDArray sf, INDArray ff, INDArray w1, INDArray b1) {
        double[][] s = sf.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] f = ff.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] w = w1.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] b = b1.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        double total = 0;
        for (int n = 0; n < s.length; n++) {
            double ns = 0;
            double nf = 0;
            for (int i = 0; i < s[n].length; i++) {
                ns += s[n][i] * s[n][i];
                nf += f[n][i] * f[n][i];
            }
            double t1 = 0;
            for (int i = 0; i < s[n].length; i++) {
                double d = f[n][i] / Math.sqrt(nf) - s[n][i] / Math.sqrt(ns);
                t1 += d * d;
            }
            double t2 = 0;
            for (int j = 0; j < b.length; j++) {
                double ps = b[j];
                double pf = b[j];
                for (int i = 0; i < s[n].length; i++) {
                    ps += s[n][i] * w[i][j];
                    pf += f[n][i] * w[i][j];
                }
                t2 += Math.abs(Math.max(pf, 0) - Math.max(ps, 0));
            }
            total += TriItemLoss.PAPER_LAMBDAS[0] * t1 + TriItemLoss.PAPER_LAMBDAS[1] * t2;
        }
        return total / s.length;
    }
}
