package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which implementation the fast layers pick, and that the ones picked where oneDNN is absent compute the same. The
 * CUDA build has no oneDNN: there the layers keep DL4J's own helpers (cuDNN) and libnd4j's generic ops (deconv2d,
 * deconv2d_bp, relu_bp, batchnorm), which is what this CPU build runs when libnd4j's platform helpers are switched
 * off. That build's compilation is checked by {@code mvn -Pcuda -DskipTests compile}.
 */
class BackendSelectionTest {

    @Test
    void thisBuildRunsTheFastLayersOnOneDnn() {
        assertThat(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend")).isEqualTo("CPU");
        assertThat(NativeBackend.hasOneDnn()).as("the default ND4J classifier is the -onednn build").isTrue();
        ComputationGraph g = DecoderLayersTest.graph(true);
        assertThat(((FastConvolution.Runtime) g.getLayer("same")).usesOneDnn()).isTrue();
        FrozenLayerWithBackprop frozen = (FrozenLayerWithBackprop) g.getLayer("frozen1");
        assertThat(((FastConvolution.Runtime) frozen.getInsideLayer()).usesOneDnn()).isTrue();
        assertThat(g.getLayer("deconv")).isInstanceOf(FastDeconvolution.Runtime.class);
        assertThat(NativeBackend.describe()).contains("with oneDNN");
    }

    @Test
    void withoutOneDnnTheDecoderLayersComputeTheSame() {
        INDArray[] xy = DecoderLayersTest.example();
        ComputationGraph oneDnn = DecoderLayersTest.graph(true);
        oneDnn.setInputs(xy[0]);
        oneDnn.setLabels(xy[1]);
        oneDnn.computeGradientAndScore();
        boolean allowed = Nd4j.getEnvironment().helpersAllowed();
        Nd4j.getEnvironment().allowHelpers(false);
        try {
            ComputationGraph generic = DecoderLayersTest.graph(true);
            generic.params().assign(oneDnn.params());
            generic.setInputs(xy[0]);
            generic.setLabels(xy[1]);
            generic.computeGradientAndScore();
            assertThat(generic.score()).isCloseTo(oneDnn.score(), org.assertj.core.data.Offset.offset(1e-4 * oneDnn.score()));
            for (String k : oneDnn.gradient().gradientForVariable().keySet()) {
                INDArray expected = oneDnn.gradient().getGradientFor(k);
                assertThat(FastDeconvolutionTest.maxDiff(generic.gradient().getGradientFor(k), expected)).as(k)
                        .isLessThan(1e-4 * Math.max(1, expected.amaxNumber().doubleValue()));
            }
        } finally {
            Nd4j.getEnvironment().allowHelpers(allowed);
        }
    }
}
