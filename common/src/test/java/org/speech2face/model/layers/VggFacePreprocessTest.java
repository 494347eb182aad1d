package org.speech2face.model.layers;

import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.VggFace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** VGGFace's input convention, element by element, and its gradient. */
class VggFacePreprocessTest {

    @Test
    void rgbInUnitRangeBecomesMeanSubtractedBgrAndTheGradientFollows() {
        ComputationGraph vgg = new ComputationGraph(VggFace.configuration(ModelProfile.TINY, DataType.FLOAT, 1));
        vgg.init();
        Layer pre = vgg.getLayer(VggFace.PREPROCESS);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        Nd4j.getRandom().setSeed(4);
        INDArray rgb = Nd4j.rand(DataType.FLOAT, 2, 3, 5, 4);
        pre.setInput(rgb, mgr);
        INDArray out = pre.activate(false, mgr);
        INDArray eps = Nd4j.randn(DataType.FLOAT, 2, 3, 5, 4);
        INDArray back = pre.backpropGradient(eps, mgr).getSecond();
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 5; h++) {
                    for (int w = 0; w < 4; w++) {
                        double expected = 255.0 * rgb.getDouble(n, 2 - c, h, w) - VggFacePreprocess.MEAN_BGR[c];
                        assertThat(out.getDouble(n, c, h, w)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4));
                        assertThat(back.getDouble(n, 2 - c, h, w))
                                .isCloseTo(255.0 * eps.getDouble(n, c, h, w), org.assertj.core.data.Offset.offset(1e-3));
                    }
                }
            }
        }
        // a mid-grey face: R=G=B=0.5 gives 127.5 minus each channel's mean
        pre.setInput(Nd4j.valueArrayOf(new long[] {1, 3, 1, 1}, 0.5f), mgr);
        assertThat(pre.activate(false, mgr).reshape(3).toDoubleVector())
                .containsExactly(new double[] {127.5 - 93.5940, 127.5 - 104.7624, 127.5 - 129.1863},
                        org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void refusesAnythingButThreeChannelNchwImages() {
        assertThatThrownBy(() -> new VggFacePreprocess().getOutputType(0, InputType.convolutional(8, 8, 1)))
                .hasMessageContaining("3-channel NCHW");
        assertThatThrownBy(() -> new VggFacePreprocess().getOutputType(0, InputType.convolutional(8, 8, 3, CNN2DFormat.NHWC)))
                .hasMessageContaining("3-channel NCHW");
    }
}
