package org.speech2face.model.loss;

import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.networks.FaceDecoder;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainingGraphs;
import org.speech2face.model.networks.VggFace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.speech2face.metrics.MsSsim;
import org.speech2face.metrics.MsSsimSettings;
import org.speech2face.testing.MsSsimVectors;

/**
 * Each loss term checked against the formula written out in double precision over plain arrays (MS-SSIM from
 * {@link MsSsim}, the project's double-precision reference), and their weighted sum against the graph's own score.
 */
class LossTermsTest {
    private static final ModelProfile TINY = ModelProfile.TINY;

    @Test
    void decoderTermsAreTheImageAndFeatureLossesAndSumToTheGraphsScore() {
        ComputationGraph vgg = new ComputationGraph(VggFace.configuration(TINY, DataType.FLOAT, 7));
        vgg.init();
        String[] names = {"obama_64.png", "other_64.png", "blur_64.png"};
        INDArray faces = Nd4j.create(DataType.FLOAT, names.length, 3, 64, 64);
        for (int i = 0; i < names.length; i++) {
            faces.get(NDArrayIndex.point(i)).assign(Nd4j.create(MsSsimVectors.image(names[i]), new long[] {3, 64, 64}));
        }
        INDArray ff = vgg.output(faces)[0];
        ComputationGraph g = new ComputationGraph(TrainingGraphs.decoder(TINY, Networks.paperAdam(), DataType.FLOAT, 3));
        g.init();
        TrainingGraphs.loadFrozenVggFace(g, vgg);
        MultiDataSet batch = new MultiDataSet(new INDArray[] {ff}, new INDArray[] {faces, ff});

        LossTerms.Evaluator e = LossTerms.DECODER.evaluator(g).add(batch);
        INDArray[] out = g.output(ff);
        MsSsim msSsim = new MsSsim(MsSsimSettings.paper(TINY.msSsimScales()));
        double image = 0;
        double feature = 0;
        for (int i = 0; i < names.length; i++) {
            float[] x = out[0].get(NDArrayIndex.point(i)).dup().data().asFloat();
            float[] y = faces.get(NDArrayIndex.point(i)).dup().data().asFloat();
            double l1 = 0;
            for (int k = 0; k < x.length; k++) {
                l1 += Math.abs((double) x[k] - y[k]);
            }
            image += 0.84 * (1 - msSsim.compute(x, y, 3, 64, 64)) + 0.16 * l1 / x.length;
            feature += 1 - cosine(out[1].getRow(i).dup().data().asFloat(), ff.getRow(i).dup().data().asFloat());
        }
        assertThat(e.examples()).isEqualTo(3);
        assertThat(e.sums()[0]).isCloseTo(image, within(1e-4 * image));
        assertThat(e.sums()[1]).isCloseTo(feature, within(1e-5 + 1e-4 * feature));
        Map<String, Double> means = e.means();
        assertThat(means.keySet()).containsExactly("image_loss", "feature_loss", "total");
        assertThat(means.get("total")).isCloseTo(g.score(batch), within(1e-4 * g.score(batch)));
    }

    @Test
    void encoderTermsAreTheTriItemTermsAndTheirWeightedSumIsTheGraphsScore() {
        ComputationGraph g = new ComputationGraph(TrainingGraphs.encoder(TINY, PriorFusion.ADD_FC, Networks.paperAdam(),
                DataType.FLOAT, 5));
        g.init();
        ComputationGraph fd = new ComputationGraph(FaceDecoder.configuration(TINY, DataType.FLOAT, 6));
        fd.init();
        ComputationGraph vgg = new ComputationGraph(VggFace.configuration(TINY, DataType.FLOAT, 7));
        vgg.init();
        TrainingGraphs.loadFrozenLossLayers(g, fd, vgg);
        Nd4j.getRandom().setSeed(8);
        MultiDataSet first = batch(2);
        MultiDataSet second = batch(1);

        LossTerms.Evaluator e = LossTerms.ENCODER.evaluator(g).add(first).add(second);
        double[] expected = new double[3];
        for (MultiDataSet b : new MultiDataSet[] {first, second}) {
            double[] t = triItemTerms(g, b);
            for (int k = 0; k < 3; k++) {
                expected[k] += t[k];
            }
        }
        assertThat(e.examples()).isEqualTo(3);
        for (int k = 0; k < 3; k++) {
            assertThat(e.sums()[k]).as(LossTerms.ENCODER.names().get(k)).isCloseTo(expected[k], within(1e-6 * (1 + expected[k])));
        }
        assertThat(e.weights()).containsExactly(TriItemLoss.PAPER_LAMBDAS);
        Map<String, Double> one = LossTerms.ENCODER.evaluator(g).add(first).means();
        assertThat(one.keySet()).containsExactly("feature_term", "decoder_term", "vgg_term", "total");
        double score = g.score(first);
        assertThat(one.get("total")).isCloseTo(score, within(1e-4 * score));
    }

    @Test
    void meansOfNoExamplesAreNotANumber() {
        Map<String, Double> m = LossTerms.DECODER.means(new double[2], 0, new double[] {1, 1});
        assertThat(m.get("image_loss")).isNaN();
        assertThat(m.get("total")).isNaN();
    }

    private static MultiDataSet batch(int n) {
        return new MultiDataSet(new INDArray[] {Nd4j.randn(DataType.FLOAT, n, 2, 598, 257),
                Nd4j.randn(DataType.FLOAT, n, 512)}, new INDArray[] {Nd4j.randn(DataType.FLOAT, n, 512)});
    }

    /** Eq. 7's three terms summed over the batch, in double precision with plain loops. */
    private static double[] triItemTerms(ComputationGraph g, MultiDataSet b) {
        float[][] sf = g.output(b.getFeatures())[0].toFloatMatrix();
        float[][] ff = b.getLabels(0).toFloatMatrix();
        Map<String, INDArray> p = g.getLayer(TrainingGraphs.TRI_LOSS).paramTable();
        float[][] w1 = p.get(TriItemLoss.DFC1_W).toFloatMatrix();
        float[] b1 = p.get(TriItemLoss.DFC1_B).dup().data().asFloat();
        float[][] w8 = p.get(TriItemLoss.VFC3_W).toFloatMatrix();
        float[] b8 = p.get(TriItemLoss.VFC3_B).dup().data().asFloat();
        double[] t = new double[3];
        for (int i = 0; i < sf.length; i++) {
            double nf = norm(ff[i]);
            double ns = norm(sf[i]);
            for (int d = 0; d < ff[i].length; d++) {
                double diff = ff[i][d] / nf - sf[i][d] / ns;
                t[0] += diff * diff;
            }
            double[] dF = dense(ff[i], w1, b1, true, false);
            double[] dS = dense(sf[i], w1, b1, true, false);
            for (int h = 0; h < dF.length; h++) {
                t[1] += Math.abs(dF[h] - dS[h]);
            }
            double[] vF = dense(ff[i], w8, b8, false, true);
            double[] vS = dense(sf[i], w8, b8, false, true);
            double dot = 0;
            double a = 0;
            double c = 0;
            for (int k = 0; k < vF.length; k++) {
                dot += vF[k] * vS[k];
                a += vF[k] * vF[k];
                c += vS[k] * vS[k];
            }
            t[2] += 1 - dot / Math.sqrt(a * c);
        }
        return t;
    }

    private static double[] dense(float[] x, float[][] w, float[] b, boolean reluOut, boolean reluIn) {
        double[] out = new double[b.length];
        for (int j = 0; j < b.length; j++) {
            double s = b[j];
            for (int i = 0; i < x.length; i++) {
                s += (reluIn ? Math.max(0, x[i]) : x[i]) * (double) w[i][j];
            }
            out[j] = reluOut ? Math.max(0, s) : s;
        }
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }
}
