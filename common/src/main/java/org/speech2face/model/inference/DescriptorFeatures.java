package org.speech2face.model.inference;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.faceapi.nets.FaceDescriptorNet;
import org.speech2face.model.networks.DlibDescriptor;
import org.speech2face.model.networks.ModelProfile;

/**
 * Batched dlib descriptors for cached features ({@code features.network = dlib-resnet128}): Ff of faces given as the
 * decoder draws them, RGB in [0, 1] at the profile's side, through {@link DlibDescriptor}'s graph, the very function
 * the decoder's feature loss applies to generated faces. Calls are serialised (a DL4J graph is not thread-safe).
 */
public final class DescriptorFeatures {
    private final ComputationGraph graph;
    private final ModelProfile profile;

    public DescriptorFeatures(FaceDescriptorNet net, ModelProfile profile) {
        this.graph = DlibDescriptor.featureGraph(profile, net);
        this.profile = profile;
    }

    /** Side of the square RGB face the graph reads. */
    public int faceSide() {
        return profile.faceSize();
    }

    /** The 128-D descriptors of faces given as RGB in [0, 1], channels first, {@code 3 * faceSide^2} values each. */
    public float[][] extract(float[][] rgbChannelsFirst) {
        int side = faceSide();
        int per = 3 * side * side;
        INDArray input = Nd4j.create(Batches.flat(rgbChannelsFirst, per, "face"),
                new long[] {rgbChannelsFirst.length, 3, side, side}, 'c');
        INDArray out;
        synchronized (graph) {
            out = graph.outputSingle(false, input);
        }
        return out.castTo(DataType.FLOAT).toFloatMatrix();
    }
}
