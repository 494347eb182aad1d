package org.speech2face.model.networks;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.faceapi.nets.FaceDescriptorNet;
import org.speech2face.model.layers.DescriptorPreprocess;

/**
 * dlib's face descriptor ({@link FaceDescriptorNet}, face-api's real pretrained weights) as the face feature network
 * of the {@code dlib-resnet128} profile: Ff is the 128-D descriptor of a face as the decoder draws it (RGB in
 * [0, 1] at the model profile's side), resized and normalised inside the graph as face-api does
 * ({@link DescriptorPreprocess}). The same layers compute the cached features of real faces and, frozen inside the
 * decoder's training graph, the descriptor of each generated face for its feature loss: one function for both, so
 * the loss compares like with like.
 */
public final class DlibDescriptor {
    public static final String INPUT = "face";
    public static final String PREPROCESS = "dlib_preprocess";
    /** Prefix of the descriptor's vertices inside a graph. */
    public static final String PREFIX = "dlib_";
    /** The 128-D descriptor's vertex. */
    public static final String OUTPUT = PREFIX + "fc";
    public static final int DIMENSIONS = FeatureNetwork.DLIB_DIMENSIONS;

    private DlibDescriptor() {
    }

    /**
     * Adds the preprocessing and the descriptor on top of {@code input}, an RGB face in [0, 1]; {@code frozen} wraps
     * the layers with parameters so they are never updated. Returns {@link #OUTPUT}.
     */
    static String add(GraphBuilder b, String input, boolean frozen) {
        b.addLayer(PREPROCESS, new DescriptorPreprocess(FaceDescriptorNet.SIDE), input);
        return FaceDescriptorNet.add(b, PREPROCESS, PREFIX, frozen);
    }

    /** The feature graph: an RGB face in [0, 1] at the profile's side to its descriptor. */
    public static ComputationGraphConfiguration configuration(ModelProfile profile) {
        GraphBuilder b = Networks.base(DataType.FLOAT, 0, null).graphBuilder().addInputs(INPUT);
        String out = add(b, INPUT, false);
        return b.setOutputs(out).setInputTypes(InputType.convolutional(profile.faceSize(), profile.faceSize(), 3))
                .build();
    }

    /** {@link #configuration} with the weights of {@code net}. */
    public static ComputationGraph featureGraph(ModelProfile profile, FaceDescriptorNet net) {
        ComputationGraph g = new ComputationGraph(configuration(profile));
        g.init();
        net.copyWeightsInto(g, PREFIX);
        return g;
    }
}
