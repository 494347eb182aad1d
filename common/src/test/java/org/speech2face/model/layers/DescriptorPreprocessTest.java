package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.faceapi.FaceApiInput;
import org.speech2face.faceapi.RgbImage;
import org.speech2face.faceapi.nets.FaceDescriptorNet;

/**
 * The in-graph resize and normalisation of the dlib descriptor against face-api's own per-pixel resize
 * ({@link FaceApiInput}, checked against the package's JavaScript), and its backward pass as the adjoint of the
 * forward one, in double precision.
 */
class DescriptorPreprocessTest {
    private static final LayerWorkspaceMgr MGR = LayerWorkspaceMgr.noWorkspaces();

    private static Layer layer(int in, int side, DataType type) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(type).graphBuilder()
                .addInputs("face").addLayer("pre", new DescriptorPreprocess(side), "face").setOutputs("pre")
                .setInputTypes(InputType.convolutional(in, in, 3)).build());
        g.init();
        return g.getLayer("pre");
    }

    private static RgbImage noise(int side, long seed) {
        byte[] px = new byte[3 * side * side];
        new Random(seed).nextBytes(px);
        return new RgbImage(side, side, px);
    }

    /** The image as the layer reads it: RGB planes in [0, 1]. */
    private static INDArray planes(RgbImage img) {
        int s = img.width();
        float[] out = new float[3 * s * s];
        for (int p = 0; p < s * s; p++) {
            for (int c = 0; c < 3; c++) {
                out[c * s * s + p] = (img.rgb()[3 * p + c] & 0xFF) / 255f;
            }
        }
        return Nd4j.create(out, new long[] {1, 3, s, s}, 'c');
    }

    @Test
    void resizesAndNormalisesAsFaceApiDoes() {
        for (int side : new int[] {64, 150, 224}) { // upsampled (tiny faces), as it is, downsampled (paper faces)
            RgbImage img = noise(side, side);
            INDArray expected = FaceApiInput.normalise(FaceApiInput.batch(List.of(img), FaceDescriptorNet.SIDE, true),
                    FaceDescriptorNet.MEAN_RGB, 255);
            Layer pre = layer(side, FaceDescriptorNet.SIDE, DataType.FLOAT);
            pre.setInput(planes(img), MGR);
            INDArray out = pre.activate(false, MGR);
            assertThat(out.shape()).containsExactly(1, 3, 150, 150);
            double maxAbs = out.sub(expected).amaxNumber().doubleValue();
            assertThat(maxAbs).as("side " + side).isLessThan(2e-6);
        }
        assertThat(DescriptorPreprocess.MEAN_RGB).containsExactly(FaceDescriptorNet.MEAN_RGB);
    }

    @Test
    void theResizeMatrixInterpolatesBetweenNeighbours() {
        double[][] r = DescriptorPreprocess.resizeMatrix(2, 4); // sources 0, 0.5, 1, 1.5 (clamped at 1)
        assertThat(r).isDeepEqualTo(new double[][] {{1, 0}, {0.5, 0.5}, {0, 1}, {0, 1}});
        for (double[] row : DescriptorPreprocess.resizeMatrix(64, 150)) {
            assertThat(java.util.Arrays.stream(row).sum()).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void theGradientIsTheForwardPassesAdjoint() {
        Nd4j.getRandom().setSeed(11);
        for (int[] sizes : new int[][] {{7, 11}, {11, 7}, {9, 9}}) {
            Layer pre = layer(sizes[0], sizes[1], DataType.DOUBLE);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, sizes[0], sizes[0]);
            INDArray eps = Nd4j.randn(DataType.DOUBLE, 2, 3, sizes[1], sizes[1]);
            pre.setInput(x, MGR);
            INDArray y = pre.activate(true, MGR).dup();
            INDArray back = pre.backpropGradient(eps, MGR).getSecond();
            for (int c = 0; c < 3; c++) { // the linear part: y + mean / 255
                y.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                        .addi(DescriptorPreprocess.MEAN_RGB[c] / 255.0);
            }
            double lhs = eps.mul(y).sumNumber().doubleValue();
            double rhs = back.mul(x).sumNumber().doubleValue();
            assertThat(back.shape()).containsExactly(x.shape());
            assertThat(lhs).as(java.util.Arrays.toString(sizes)).isCloseTo(rhs, within(1e-10 * (1 + Math.abs(lhs))));
        }
    }

    @Test
    void refusesAnythingButThreeChannelNchwFaces() {
        assertThatThrownBy(() -> new DescriptorPreprocess(150).getOutputType(0, InputType.convolutional(8, 8, 1)))
                .hasMessageContaining("3-channel NCHW");
        assertThatThrownBy(() -> new DescriptorPreprocess(150).getOutputType(0,
                InputType.convolutional(8, 8, 3, CNN2DFormat.NHWC))).hasMessageContaining("3-channel NCHW");
        assertThatThrownBy(() -> new DescriptorPreprocess(0)).hasMessageContaining("must be positive");
    }
}
