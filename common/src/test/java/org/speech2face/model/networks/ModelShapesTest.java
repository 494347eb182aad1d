package org.speech2face.model.networks;

import org.speech2face.contracts.PriorFusion;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shapes and parameter counts of both profiles against counts written out from the paper's tables. The paper
 * profile is checked from configurations only (nothing allocated); the tiny one is also run.
 */
class ModelShapesTest {

    private static long conv(long k, long in, long out, boolean bias) {
        return k * k * in * out + (bias ? out : 0);
    }

    private static long dense(long in, long out) {
        return in * out + out;
    }

    /** DL4J's batch norm: gamma, beta, running mean, running variance. */
    private static long bn(long c) {
        return 4 * c;
    }

    private static long cbam(long c) {
        long h = Math.max(1, c / 16);
        return dense(c, h) + dense(h, c) + conv(7, 2, 1, true);
    }

    private static long vgg(int[] w, int grid, int features, int identities) {
        long n = conv(3, 3, w[0], true) + conv(3, w[0], w[0], true)
                + conv(3, w[0], w[1], true) + conv(3, w[1], w[1], true)
                + conv(3, w[1], w[2], true) + 2 * conv(3, w[2], w[2], true)
                + conv(3, w[2], w[3], true) + 2 * conv(3, w[3], w[3], true)
                + 3 * conv(3, w[3], w[4], true);
        return n + dense((long) grid * grid * w[4], features) + dense(features, features) + dense(features, identities);
    }

    private static long decoder(int features, int hidden, int grid, int[] w) {
        long n = dense(features, hidden) + dense(hidden, (long) grid * grid * w[0]);
        int in = w[0];
        for (int out : w) {
            n += conv(5, in, out, false) + bn(out);
            in = out;
        }
        return n + cbam(w[4]) + conv(1, w[10], 3, true);
    }

    private static long encoder(int[] w, int features) {
        return conv(7, 2, w[0], false) + conv(5, w[0], w[1], false) + conv(3, w[1], w[2], false)
                + conv(3, w[2], w[3], false) + conv(3, w[3], w[4], false)
                + bn(w[0]) + bn(w[1]) + bn(w[2]) + bn(w[3]) + bn(w[4])
                + cbam(w[4]) + conv(1, w[4], features, true) + dense(features, features);
    }

    @Test
    void paperVggFaceHasTheVgg16FaceParameterCount() {
        ModelDescriber.Description d = ModelDescriber.vggFace(ModelProfile.PAPER);
        // keras-vggface's VGG16 summary reports 145,002,878 parameters
        assertThat(d.parameters()).isEqualTo(145_002_878L)
                .isEqualTo(vgg(new int[] {64, 128, 256, 512, 512}, 7, 4096, 2622));
        assertThat(shape(d, VggFace.FC7)).containsExactly(4096);
        assertThat(shape(d, VggFace.FC8)).containsExactly(2622);
        assertThat(shape(d, "vgg_pool5")).containsExactly(512, 7, 7);
        // VGG16 at 224x224: about 15.5 GMAC
        assertThat(d.forwardFlops() / 1e9).isBetween(30.5, 31.5);
    }

    @Test
    void paperDecoderFollowsTable2WithFiveStride2Layers() {
        ModelDescriber.Description d = ModelDescriber.faceDecoder(ModelProfile.PAPER);
        int[] widths = {512, 512, 512, 512, 512, 256, 256, 256, 64, 64, 32};
        assertThat(d.parameters()).isEqualTo(decoder(4096, 1000, 7, widths)).isEqualTo(69_142_350L);
        assertThat(d.parameters(FaceDecoder.FC1)).isEqualTo(4096L * 1000 + 1000);
        assertThat(d.parameters(FaceDecoder.FC2)).isEqualTo(1000L * 25088 + 25088);
        int[] sides = {14, 28, 28, 28, 28, 56, 56, 56, 112, 112, 224};
        for (int i = 0; i < 11; i++) {
            assertThat(shape(d, "fd_deconv" + (i + 1))).as("deconv %d", i + 1).containsExactly(widths[i], sides[i], sides[i]);
        }
        assertThat(shape(d, FaceDecoder.CBAM)).containsExactly(512, 28, 28);
        assertThat(shape(d, FaceDecoder.OUTPUT)).containsExactly(3, 224, 224);
    }

    @Test
    void paperEncoderFollowsTable3() {
        for (PriorFusion f : PriorFusion.values()) {
            ModelDescriber.Description d = ModelDescriber.speechEncoder(ModelProfile.PAPER, f);
            assertThat(d.parameters()).as(f.id()).isEqualTo(encoder(new int[] {64, 128, 256, 512, 512}, 4096))
                    .isEqualTo(22_966_787L);
        }
        ModelDescriber.Description d = ModelDescriber.speechEncoder(ModelProfile.PAPER, PriorFusion.NONE);
        // (598 + 2 - 7) / 2 + 1 = 297, (257 + 2 - 7) / 2 + 1 = 127, and so on down the table
        assertThat(shape(d, "se_conv1")).containsExactly(64, 297, 127);
        assertThat(shape(d, "se_pool1")).containsExactly(64, 148, 63);
        assertThat(shape(d, "se_conv2")).containsExactly(128, 73, 31);
        assertThat(shape(d, "se_pool2")).containsExactly(128, 36, 15);
        assertThat(shape(d, "se_conv5")).containsExactly(512, 36, 15);
        assertThat(shape(d, "se_pool3")).containsExactly(512, 11, 7);
        assertThat(shape(d, "se_fc1")).containsExactly(4096, 11, 7);
        assertThat(shape(d, SpeechEncoder.FC2)).containsExactly(4096);
        // About 18 GFLOP per training step, i.e. about 6 forward
        assertThat(d.forwardFlops() / 1e9).isBetween(5.8, 6.1);
    }

    @Test
    void paperTrainingGraphsHoldTheirFrozenParts() {
        ModelDescriber.Description dec = ModelDescriber.describe("fd", TrainingGraphs.decoder(ModelProfile.PAPER,
                Networks.paperAdam(), DataType.FLOAT, 0), org.deeplearning4j.nn.conf.inputs.InputType.feedForward(4096));
        long vggWithoutFc8 = vgg(new int[] {64, 128, 256, 512, 512}, 7, 4096, 2622) - dense(4096, 2622);
        assertThat(dec.parameters()).isEqualTo(69_142_350L + vggWithoutFc8);
        assertThat(dec.trainableParameters()).isEqualTo(69_142_350L);
        ModelDescriber.Description enc = ModelDescriber.describe("se", TrainingGraphs.encoder(ModelProfile.PAPER,
                PriorFusion.ADD_FC, Networks.paperAdam(), DataType.FLOAT, 0),
                SpeechEncoder.inputTypes(ModelProfile.PAPER, PriorFusion.ADD_FC));
        assertThat(enc.parameters(TrainingGraphs.TRI_LOSS)).isEqualTo(dense(4096, 1000) + dense(4096, 2622));
    }

    @Test
    void tinyProfileCountsAndRuntimeShapes() {
        ModelProfile tiny = ModelProfile.TINY;
        int[] vw = {8, 16, 32, 64, 64};
        int[] dw = {64, 64, 64, 64, 64, 32, 32, 32, 8, 8, 4};
        assertThat(ModelDescriber.vggFace(tiny).parameters()).isEqualTo(vgg(vw, 2, 512, 2622));
        assertThat(ModelDescriber.faceDecoder(tiny).parameters()).isEqualTo(decoder(512, 125, 2, dw));
        assertThat(ModelDescriber.speechEncoder(tiny, PriorFusion.ADD).parameters()).isEqualTo(encoder(vw, 512));

        ComputationGraph vgg = new ComputationGraph(VggFace.configuration(tiny, DataType.FLOAT, 1));
        vgg.init();
        assertThat(vgg.numParams()).isEqualTo(vgg(vw, 2, 512, 2622));
        INDArray[] out = vgg.output(Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64));
        assertThat(out[0].shape()).containsExactly(2, 512);
        assertThat(out[1].shape()).containsExactly(2, 2622);
        // Ff is fc7 before its ReLU, and VFc3 = fc8(relu(fc7))
        assertThat(out[0].minNumber().doubleValue()).isLessThan(0);
        Map<String, INDArray> fc8 = vgg.getLayer(VggFace.FC8).paramTable();
        INDArray vfc3 = org.nd4j.linalg.ops.transforms.Transforms.relu(out[0], true).mmul(fc8.get("W")).addRowVector(fc8.get("b"));
        assertThat(vfc3.sub(out[1]).amaxNumber().doubleValue()).isLessThan(1e-4);

        ComputationGraph fd = new ComputationGraph(FaceDecoder.configuration(tiny, DataType.FLOAT, 1));
        fd.init();
        assertThat(fd.numParams()).isEqualTo(decoder(512, 125, 2, dw));
        INDArray face = fd.outputSingle(Nd4j.randn(DataType.FLOAT, 2, 512));
        assertThat(face.shape()).containsExactly(2, 3, 64, 64);
        assertThat(face.minNumber().doubleValue()).isGreaterThanOrEqualTo(0);
        assertThat(face.maxNumber().doubleValue()).isLessThanOrEqualTo(1);

        ComputationGraph se = new ComputationGraph(SpeechEncoder.configuration(tiny, PriorFusion.ADD_FC, DataType.FLOAT, 1));
        se.init();
        assertThat(se.numParams()).isEqualTo(encoder(vw, 512));
        INDArray sf = se.output(Nd4j.randn(DataType.FLOAT, 2, 2, 598, 257), Nd4j.randn(DataType.FLOAT, 2, 512))[0];
        assertThat(sf.shape()).containsExactly(2, 512);
    }

    @Test
    void priorFusionModesWireTheAdditionWhereThePaperSays() {
        ComputationGraph add = new ComputationGraph(SpeechEncoder.configuration(ModelProfile.TINY, PriorFusion.ADD, DataType.FLOAT, 5));
        add.init();
        ComputationGraph none = new ComputationGraph(SpeechEncoder.configuration(ModelProfile.TINY, PriorFusion.NONE, DataType.FLOAT, 5));
        none.init(add.params().dup(), true);
        INDArray spec = Nd4j.randn(DataType.FLOAT, 2, 2, 598, 257);
        INDArray prior = Nd4j.randn(DataType.FLOAT, 2, 512);
        // add: Sf = Fc2(h) + prior
        INDArray expected = none.outputSingle(spec).add(prior);
        assertThat(add.output(spec, prior)[0].sub(expected).amaxNumber().doubleValue()).isLessThan(1e-4);

        ComputationGraph addFc = new ComputationGraph(SpeechEncoder.configuration(ModelProfile.TINY, PriorFusion.ADD_FC, DataType.FLOAT, 5));
        addFc.init(add.params().dup(), true);
        // add-fc: Sf = Fc2(h + prior), so Sf(prior) - Sf(0) = prior W2 (linear Fc2)
        Map<String, INDArray> fc2 = addFc.getLayer(SpeechEncoder.FC2).paramTable();
        INDArray delta = addFc.output(spec, prior)[0].sub(addFc.output(spec, Nd4j.zeros(DataType.FLOAT, 2, 512))[0]);
        assertThat(delta.sub(prior.mmul(fc2.get("W"))).amaxNumber().doubleValue()).isLessThan(1e-3);
    }

    private static long[] shape(ModelDescriber.Description d, String vertex) {
        return d.rows().stream().filter(r -> r.name().equals(vertex)).findFirst().orElseThrow().shape();
    }
}
