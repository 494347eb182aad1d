package org.speech2face.model.networks;

import java.io.IOException;
import org.speech2face.faceapi.FaceApiModels;
import org.speech2face.faceapi.nets.FaceDescriptorNet;

/**
 * face-api's descriptor with its real weights, loaded once per test JVM: loading takes seconds, and the tests that
 * use it only read it (copy its weights, run it), so one instance serves them all.
 */
final class DescriptorWeights {
    private static FaceDescriptorNet net;

    private DescriptorWeights() {
    }

    /** Call from {@code @BeforeEach}, not {@code @BeforeAll}: a skip there would be reported as no test at all. */
    static synchronized FaceDescriptorNet net() throws IOException {
        if (net == null) {
            net = FaceDescriptorNet.load(FaceApiModels.dir());
        }
        return net;
    }
}
