package org.speech2face.model.networks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.speech2face.faceapi.RgbImage;
import org.speech2face.faceapi.nets.FaceDescriptorNet;

/**
 * Ff of the dlib-resnet128 profile is face-api's descriptor of the face: the feature graph (in-graph resize and
 * normalisation, the descriptor's layers under a prefix) against {@link FaceDescriptorNet} with face-api's own input
 * handling, which matches the package's JavaScript to 5e-7.
 */
class DlibDescriptorTest {
    private static final ModelProfile TINY = ModelProfile.TINY;
    private static FaceDescriptorNet net;

    @BeforeEach // not @BeforeAll: a skip there would be reported as no test at all
    void weights() throws IOException {
        net = DescriptorWeights.net();
    }

    @Test
    void theFeatureGraphIsFaceApisDescriptorOfTheFace() {
        INDArray faces = DlibTrainingGraphsTest.realFaces();
        List<RgbImage> images = new ArrayList<>();
        for (int i = 0; i < faces.size(0); i++) {
            images.add(RgbImage.fromUnitPlanes(faces.get(NDArrayIndex.point(i)).dup().data().asFloat(), 64));
        }
        float[][] expected = net.describe(images);
        INDArray actual = DlibDescriptor.featureGraph(TINY, net).outputSingle(faces);
        assertThat(actual.shape()).containsExactly(4, 128);
        double maxAbs = actual.sub(Nd4j.create(expected)).amaxNumber().doubleValue();
        System.out.printf("dlib feature graph vs face-api's input handling: max abs %.2g%n", maxAbs);
        assertThat(maxAbs).isLessThan(1e-4);
        // different faces, different descriptors: a real network, not a constant
        assertThat(euclidean(expected[0], expected[1])).isGreaterThan(0.3);
    }

    /** Euclidean distance, face-api's measure of two descriptors. */
    private static double euclidean(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
