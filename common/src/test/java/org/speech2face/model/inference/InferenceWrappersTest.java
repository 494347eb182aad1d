package org.speech2face.model.inference;

import org.speech2face.contracts.EncoderVariant;
import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.TrainingGraphs;
import org.speech2face.model.networks.VggFace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** FaceDecoding and SpeechEncoding on tiny training graphs, checked through other routes through the networks. */
class InferenceWrappersTest {
    private static final ModelProfile TINY = ModelProfile.TINY;

    private static float[][] random(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][dim];
        for (float[] row : x) {
            for (int i = 0; i < dim; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void decodingGivesEachFaceAndTheFc7AStandaloneVggFaceComputesOnIt() {
        ComputationGraph vgg = new ComputationGraph(VggFace.configuration(TINY, DataType.FLOAT, 7));
        vgg.init();
        ComputationGraph g = new ComputationGraph(TrainingGraphs.decoder(TINY, new Adam(1e-3), DataType.FLOAT, 1));
        g.init();
        TrainingGraphs.loadFrozenVggFace(g, vgg);
        FaceDecoding fd = new FaceDecoding(g, TINY);
        float[][] x = random(3, 512, 2);
        FaceDecoding.Faces faces = fd.decode(x);
        assertThat(faces.side()).isEqualTo(64);
        assertThat(faces.rgb()).hasNumberOfRows(3);
        assertThat(faces.rgb()[1]).hasSize(3 * 64 * 64);
        for (float v : faces.rgb()[2]) {
            assertThat(v).isBetween(0f, 1f);
        }
        // one face alone gives the same picture as inside the batch
        FaceDecoding.Faces single = fd.decode(new float[][] {x[1]});
        for (int i = 0; i < single.rgb()[0].length; i++) {
            assertThat(single.rgb()[0][i]).isCloseTo(faces.rgb()[1][i], within(1e-5f));
        }
        // the fc7 is what VGGFace on its own computes from the generated pixels
        float[] flat = new float[3 * 3 * 64 * 64];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(faces.rgb()[i], 0, flat, i * 3 * 64 * 64, 3 * 64 * 64);
        }
        float[][] fc7 = vgg.output(Nd4j.create(flat, new long[] {3, 3, 64, 64}, 'c'))[0].toFloatMatrix();
        for (int i = 0; i < 3; i++) {
            for (int d = 0; d < 512; d++) {
                assertThat(faces.fc7()[i][d]).isCloseTo(fc7[i][d], within(1e-3f * Math.max(1f, Math.abs(fc7[i][d]))));
            }
        }
        assertThatThrownBy(() -> fd.decode(new float[][] {new float[511]})).hasMessageContaining("511")
                .hasMessageContaining("512");
        ComputationGraph encoder = new ComputationGraph(TrainingGraphs.encoder(TINY, PriorFusion.NONE, new Adam(1e-3),
                DataType.FLOAT, 1));
        encoder.init();
        assertThatThrownBy(() -> new FaceDecoding(encoder, TINY)).hasMessageContaining("1 input and 2 outputs");
    }

    @Test
    void theAddVariantAddsExactlyThePriorToSfAndAPriorlessGraphIsRefused() {
        EncoderVariant neutral = EncoderVariant.parse("neutral");
        ComputationGraph g = new ComputationGraph(TrainingGraphs.encoder(TINY, neutral.fusion(), new Adam(1e-3),
                DataType.FLOAT, 5));
        g.init();
        SpeechEncoding se = new SpeechEncoding(g, neutral, TINY);
        float[][] spec = random(2, 2 * 598 * 257, 3);
        float[][] prior = random(2, 512, 4);
        float[][] withPrior = se.encode(spec, prior);
        float[][] withZero = se.encode(spec, new float[2][512]);
        for (int i = 0; i < 2; i++) {
            for (int d = 0; d < 512; d++) {
                assertThat(withPrior[i][d] - withZero[i][d]).isCloseTo(prior[i][d], within(1e-4f));
            }
        }
        assertThatThrownBy(() -> se.encode(spec, null)).hasMessageContaining("needs one prior per spectrogram");
        assertThatThrownBy(() -> new SpeechEncoding(g, EncoderVariant.parse("non-prior"), TINY))
                .hasMessageContaining("reads 1 input(s) but its graph has 2");
    }
}
