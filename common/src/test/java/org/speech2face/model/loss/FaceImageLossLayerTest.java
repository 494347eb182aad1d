package org.speech2face.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The image loss's runtime ({@link FaceImageLossLayer}, {@link PlainMsSsim}) computes what its SameDiff definition
 * ({@link FaceImageLoss#defineLayer}, run by DL4J's own SameDiff output layer) computes: per-image losses, the score
 * and the gradient, in double precision, at the paper's five scales and at two with odd sizes between scales (and
 * more images than one MS-SSIM pass takes).
 */
class FaceImageLossLayerTest {

    private static Layer[] layers(int scales, int side, DataType type) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(type)
                .graphBuilder().addInputs("face")
                .addLayer("loss", new FaceImageLoss(0.84, scales), "face")
                .setOutputs("loss").setInputTypes(InputType.convolutional(side, side, 3)).build());
        g.init();
        Layer plain = g.getLayer("loss");
        org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer spec =
                new org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer(plain.conf(), type);
        spec.setParamTable(java.util.Map.of());
        return new Layer[] {plain, spec};
    }

    @Test
    void plainRuntimeMatchesTheSameDiffDefinition() {
        for (int[] c : new int[][] {{5, 176}, {2, 27}}) {
            int scales = c[0];
            int side = c[1];
            Layer[] l = layers(scales, side, DataType.DOUBLE);
            assertThat(l[0]).isInstanceOf(FaceImageLossLayer.class);
            Nd4j.getRandom().setSeed(scales);
            INDArray y = Nd4j.rand(DataType.DOUBLE, scales == 5 ? 1 : FaceImageLossLayer.CHUNK + 2, 3, side, side);
            INDArray x = Transforms.min(Transforms.max(y.add(Nd4j.randn(DataType.DOUBLE, y.shape()).muli(0.1)), 0.0), 1.0);
            double[] score = new double[2];
            INDArray[] perImage = new INDArray[2];
            INDArray[] grad = new INDArray[2];
            for (int i = 0; i < 2; i++) {
                LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
                l[i].setInput(x, ws);
                ((org.deeplearning4j.nn.api.layers.IOutputLayer) l[i]).setLabels(y);
                l[i].activate(true, ws);
                grad[i] = l[i].backpropGradient(null, ws).getSecond().dup();
                score[i] = ((org.deeplearning4j.nn.api.layers.IOutputLayer) l[i]).computeScore(0, true, ws);
            }
            perImage[0] = ((org.deeplearning4j.nn.api.layers.IOutputLayer) l[0]).computeScoreForExamples(0,
                    LayerWorkspaceMgr.noWorkspaces());
            assertThat(score[0]).as("%d scales, %d px", scales, side).isCloseTo(score[1], within(1e-12));
            assertThat(perImage[0].sumNumber().doubleValue() / y.size(0)).isCloseTo(score[1], within(1e-12));
            assertThat(FaceImageLossLayer.holdsWorkspace()).as("MS-SSIM's workspace given back after the pass").isFalse();
            double scale = grad[1].amaxNumber().doubleValue();
            assertThat(grad[0].sub(grad[1]).amaxNumber().doubleValue()).as("gradient, %d scales", scales)
                    .isLessThan(1e-9 * scale);
        }
    }

    /**
     * The score that follows a backward pass reuses that pass's losses only while input and labels are the ones it
     * saw: a new input or new labels give their own score.
     */
    @Test
    void theScoreAfterABackwardPassIsThatPassesOrANewOneForNewInputOrLabels() {
        Layer l = layers(2, 27, DataType.DOUBLE)[0];
        org.deeplearning4j.nn.api.layers.IOutputLayer out = (org.deeplearning4j.nn.api.layers.IOutputLayer) l;
        Nd4j.getRandom().setSeed(7);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 3, 3, 27, 27);
        INDArray x1 = y.mul(0.9);
        INDArray x2 = y.rsub(1.0);
        INDArray y2 = y.mul(0.5);
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        double[] fresh = new double[3];
        INDArray[][] cases = {{x1, y}, {x2, y}, {x2, y2}};
        for (int i = 0; i < 3; i++) {
            Layer f = layers(2, 27, DataType.DOUBLE)[0];
            f.setInput(cases[i][0], ws);
            ((org.deeplearning4j.nn.api.layers.IOutputLayer) f).setLabels(cases[i][1]);
            fresh[i] = ((org.deeplearning4j.nn.api.layers.IOutputLayer) f).computeScore(0, true, ws);
        }
        assertThat(fresh[0]).isNotCloseTo(fresh[1], within(1e-3));
        assertThat(fresh[1]).isNotCloseTo(fresh[2], within(1e-3));
        l.setInput(x1, ws);
        out.setLabels(y);
        l.backpropGradient(null, ws);
        assertThat(out.computeScore(0, true, ws)).as("after the backward pass").isCloseTo(fresh[0], within(1e-12));
        l.setInput(x2, ws);
        assertThat(out.computeScore(0, true, ws)).as("new input").isCloseTo(fresh[1], within(1e-12));
        l.backpropGradient(null, ws);
        out.setLabels(y2);
        assertThat(out.computeScore(0, true, ws)).as("new labels").isCloseTo(fresh[2], within(1e-12));
    }
}
