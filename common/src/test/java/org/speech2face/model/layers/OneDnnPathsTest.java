package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The primitives called on oneDNN directly against references in double precision computed another way: a
 * convolution's gradients against libnd4j's generic conv2d_bp (im2col; oneDNN has no double path), batch norm against its
 * formulas written out with ND4J's element-wise ops.
 */
class OneDnnPathsTest {

    @BeforeAll
    static void needsOneDnn() {
        assumeTrue(OneDnnBatchNorm.available(), "these paths run only under the oneDNN build of ND4J; elsewhere the "
                + "layers keep libnd4j's, which ChannelsLastTest covers");
    }

    /** The SE's first convolution made small: 2 channels in, 7x7, stride 2, padding 1, input not read to its end. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void weightGradientMatchesConv2dBackpropInDouble(boolean withBias) {
        Nd4j.getRandom().setSeed(withBias ? 3 : 4);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 41, 24, 2);
        INDArray w = Nd4j.randn(DataType.DOUBLE, 16, 2, 7, 7);
        long oh = (41 + 2 - 7) / 2 + 1;
        long ow = (24 + 2 - 7) / 2 + 1;
        INDArray delta = Nd4j.randn(DataType.DOUBLE, 4, oh, ow, 16);
        INDArray gradI = Nd4j.create(DataType.DOUBLE, x.shape());
        INDArray gradW = Nd4j.create(DataType.DOUBLE, w.shape());
        INDArray gradB = Nd4j.create(DataType.DOUBLE, 16);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, Nd4j.zeros(DataType.DOUBLE, 16), delta)
                .addOutputs(gradI, gradW, gradB).addIntegerArguments(7, 7, 2, 2, 1, 1, 1, 1, 0, 1, 1).build());

        INDArray weightGrad = Nd4j.create(DataType.FLOAT, 16, 2, 7, 7);
        INDArray biasGrad = withBias ? Nd4j.create(DataType.FLOAT, 1, 16) : null;
        boolean ran = OneDnnConvolutionBackward.weightGradient(x.castTo(DataType.FLOAT), delta.castTo(DataType.FLOAT),
                CNN2DFormat.NHWC, new int[] {7, 7}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, weightGrad,
                biasGrad);
        assertThat(ran).as("oneDNN takes this shape").isTrue();
        assertClose(weightGrad, gradW, "weight gradient");
        if (withBias) {
            assertClose(biasGrad.reshape(16), gradB, "bias gradient");
        }
    }

    /**
     * The whole backward pass: a 3x3 layer with 16 channels (oneDNN's Winograd kernel where the CPU has it), the SE's
     * conv2 made small (5x5, stride 2, input not read to its end), and a 1x1 layer with a bias (the SE's Fc1).
     */
    @ParameterizedTest
    @ValueSource(strings = {"3x3 16->32 stride 1", "5x5 16->16 stride 2", "1x1 16->48 bias"})
    void inputAndWeightGradientsMatchConv2dBackpropInDouble(String layer) {
        int k = layer.startsWith("3") ? 3 : layer.startsWith("5") ? 5 : 1;
        int stride = layer.contains("stride 2") ? 2 : 1;
        int pad = k == 1 ? 0 : 1;
        int out = layer.contains("->32") ? 32 : layer.contains("->48") ? 48 : 16;
        boolean withBias = layer.endsWith("bias");
        Nd4j.getRandom().setSeed(k * 10L + stride);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 19, 14, 16);
        INDArray w = Nd4j.randn(DataType.DOUBLE, out, 16, k, k);
        long oh = (19 + 2 * pad - k) / stride + 1;
        long ow = (14 + 2 * pad - k) / stride + 1;
        INDArray delta = Nd4j.randn(DataType.DOUBLE, 3, oh, ow, out);
        INDArray gradI = Nd4j.create(DataType.DOUBLE, x.shape());
        INDArray gradW = Nd4j.create(DataType.DOUBLE, w.shape());
        INDArray gradB = Nd4j.create(DataType.DOUBLE, out);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, Nd4j.zeros(DataType.DOUBLE, out), delta)
                .addOutputs(gradI, gradW, gradB)
                .addIntegerArguments(k, k, stride, stride, pad, pad, 1, 1, 0, 1, 1).build());

        INDArray weightGrad = Nd4j.create(DataType.FLOAT, w.shape());
        INDArray biasGrad = withBias ? Nd4j.create(DataType.FLOAT, 1, out) : null;
        INDArray inputGrad = OneDnnConvolutionBackward.inputAndWeightGradients(x.castTo(DataType.FLOAT),
                w.castTo(DataType.FLOAT), delta.castTo(DataType.FLOAT), CNN2DFormat.NHWC, new int[] {k, k},
                new int[] {stride, stride}, new int[] {pad, pad}, new int[] {1, 1}, weightGrad, biasGrad,
                LayerWorkspaceMgr.noWorkspaces());
        assertThat(inputGrad).as("oneDNN takes %s", layer).isNotNull();
        assertClose(inputGrad, gradI, "input gradient");
        assertClose(weightGrad, gradW, "weight gradient");
        if (withBias) {
            assertClose(biasGrad.reshape(out), gradB, "bias gradient");
        }
    }

    @Test
    void batchNormTrainingPassAndBackwardMatchTheirFormulasInDouble() {
        Nd4j.getRandom().setSeed(12);
        long c = 24;
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 7, 5, c).muli(2).addi(0.5);
        INDArray gamma = Nd4j.rand(DataType.DOUBLE, c).addi(0.5);
        INDArray beta = Nd4j.randn(DataType.DOUBLE, c);
        INDArray dy = Nd4j.randn(DataType.DOUBLE, x.shape());
        double eps = 1e-5;

        INDArray rows = x.reshape(-1, c);
        long n = rows.size(0);
        INDArray mean = rows.mean(0);
        INDArray var = rows.subRowVector(mean).muli(rows.subRowVector(mean)).mean(0); // biased, as DL4J's
        INDArray stdInv = Transforms.pow(var.add(eps), -0.5);
        INDArray xhat = rows.subRowVector(mean).muliRowVector(stdInv);
        INDArray out = xhat.mulRowVector(gamma).addRowVector(beta);
        INDArray dyRows = dy.reshape(-1, c);
        INDArray dBeta = dyRows.sum(0);
        INDArray dGamma = dyRows.mul(xhat).sum(0);
        INDArray dx = dyRows.subRowVector(dBeta.div(n)).subi(xhat.mulRowVector(dGamma.div(n)))
                .muliRowVector(gamma.mul(stdInv));

        OneDnnBatchNorm bn = new OneDnnBatchNorm();
        INDArray xf = x.castTo(DataType.FLOAT);
        INDArray g = gamma.castTo(DataType.FLOAT);
        INDArray b = beta.castTo(DataType.FLOAT);
        INDArray outF = Nd4j.create(DataType.FLOAT, x.shape());
        INDArray meanF = Nd4j.create(DataType.FLOAT, c);
        INDArray varF = Nd4j.create(DataType.FLOAT, c);
        assertThat(bn.forward(xf, g, b, eps, outF, meanF, varF)).isTrue();
        assertClose(meanF, mean, "batch mean");
        assertClose(varF, var, "batch variance (biased)");
        assertClose(outF.reshape(-1, c), out, "normalized output");

        INDArray dxF = Nd4j.create(DataType.FLOAT, x.shape());
        INDArray dGammaF = Nd4j.create(DataType.FLOAT, c);
        INDArray dBetaF = Nd4j.create(DataType.FLOAT, c);
        assertThat(bn.backward(xf, dy.castTo(DataType.FLOAT), g, b, meanF, varF, eps, dxF, dGammaF, dBetaF)).isTrue();
        assertClose(dGammaF, dGamma, "gamma's gradient");
        assertClose(dBetaF, dBeta, "beta's gradient");
        assertClose(dxF.reshape(-1, c), dx, "input gradient");
    }

    private static void assertClose(INDArray actual, INDArray expected, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double worst = actual.castTo(DataType.DOUBLE).reshape(expected.shape()).sub(expected).amaxNumber().doubleValue();
        assertThat(worst / scale).as("%s: largest difference %s against largest value %s", what, worst, scale)
                .isLessThan(1e-5);
    }
}
