package org.speech2face.model.networks;

import org.speech2face.model.layers.SpectrogramMagnitude;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class VoiceGenderClassifierTest {
    private static final int F = ModelProfile.SPECTROGRAM_FRAMES;
    private static final int B = ModelProfile.SPECTROGRAM_BINS;

    static float[] randomSpectrogram(long seed) {
        Random r = new Random(seed);
        float[] s = new float[F * B * 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) r.nextGaussian();
        }
        return s;
    }

    @Test
    void channelsFirstMovesRealAndImaginaryIntoPlanes() {
        float[] s = randomSpectrogram(1);
        float[] c = SpectrogramInput.channelsFirst(s, F, B);
        for (int t : new int[] {0, 17, F - 1}) {
            for (int f : new int[] {0, 100, B - 1}) {
                assertThat(c[t * B + f]).isEqualTo(s[(t * B + f) * 2]);
                assertThat(c[F * B + t * B + f]).isEqualTo(s[(t * B + f) * 2 + 1]);
            }
        }
        assertThatThrownBy(() -> SpectrogramInput.channelsFirst(new float[10], F, B))
                .hasMessageContaining("598 frames x 257 bins");
    }

    @Test
    void hasThePapersLayerCounts() {
        var conf = VoiceGenderClassifier.configuration(ModelProfile.PAPER, 1, 1e-3, new double[] {1, 1});
        long convs = conf.getConfs().stream().filter(c -> c.getLayer() instanceof ConvolutionLayer).count();
        long pools = conf.getConfs().stream().filter(c -> c.getLayer() instanceof SubsamplingLayer).count();
        long fcs = conf.getConfs().stream()
                .filter(c -> c.getLayer() instanceof DenseLayer || c.getLayer() instanceof OutputLayer).count();
        assertThat(convs).isEqualTo(5);
        assertThat(pools).isEqualTo(3);
        assertThat(fcs).isEqualTo(2); // fc1 and the softmax output
        assertThat(conf.getConfs().get(conf.getConfs().size() - 1).getLayer()).isInstanceOf(OutputLayer.class);
    }

    /** The first layer is sqrt(re^2 + im^2), checked in double; outputs are probabilities; the zip round-trips. */
    @Test
    void magnitudeFrontLayerProbabilitiesAndSaveRestore() throws Exception {
        MultiLayerNetwork net = VoiceGenderClassifier.create(ModelProfile.TINY, 3, 1e-3, new double[] {1.5, 0.75});
        float[][] x = {SpectrogramInput.channelsFirst(randomSpectrogram(2), F, B),
                SpectrogramInput.channelsFirst(randomSpectrogram(3), F, B)};
        INDArray in = VoiceGenderClassifier.batch(x);
        INDArray mag = net.feedForwardToLayer(0, in, false).get(1);
        assertThat(mag.shape()).containsExactly(2, 1, F, B);
        for (int[] at : new int[][] {{0, 0, 0}, {1, 300, 128}, {1, F - 1, B - 1}}) {
            double re = x[at[0]][at[1] * B + at[2]];
            double im = x[at[0]][F * B + at[1] * B + at[2]];
            assertThat(mag.getDouble(at[0], 0, at[1], at[2])).isCloseTo(Math.sqrt(re * re + im * im), within(1e-5));
        }
        float[] p = VoiceGenderClassifier.pMale(net, x);
        assertThat(p).hasSize(2);
        for (float v : p) {
            assertThat(v).isBetween(0f, 1f);
        }

        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, zip, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip.toByteArray()));
        assertThat(VoiceGenderClassifier.pMale(back, x)).containsExactly(p);
    }

    /** The magnitude layer's backward pass against central differences of sum(output * epsilon), in double. */
    @Test
    void magnitudeGradientMatchesFiniteDifferences() {
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .layer(new SpectrogramMagnitude()).build();
        Layer layer = conf.getLayer().instantiate(conf, List.of(), 0, null, false, DataType.DOUBLE);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 2, 3, 4);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, 2, 1, 3, 4);
        layer.setInput(x, mgr);
        INDArray grad = layer.backpropGradient(eps, mgr).getSecond();
        double h = 1e-6;
        for (int i = 0; i < x.length(); i++) {
            double v = x.getDouble(i);
            x.putScalar(i, v + h);
            layer.setInput(x, mgr);
            double up = layer.activate(false, mgr).mul(eps).sumNumber().doubleValue();
            x.putScalar(i, v - h);
            layer.setInput(x, mgr);
            double down = layer.activate(false, mgr).mul(eps).sumNumber().doubleValue();
            x.putScalar(i, v);
            assertThat(grad.getDouble(i)).isCloseTo((up - down) / (2 * h), within(1e-6));
        }
    }

    @Test
    void balancedWeightsNeedBothGenders() {
        assertThat(VoiceGenderClassifier.balancedWeights(3, 6)).containsExactly(1.5, 0.75);
        assertThatThrownBy(() -> VoiceGenderClassifier.balancedWeights(0, 6)).hasMessageContaining("0 female");
    }
}
