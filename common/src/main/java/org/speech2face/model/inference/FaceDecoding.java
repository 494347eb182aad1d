package org.speech2face.model.inference;

import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.TrainingGraphs;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained face decoder at inference: FD(x) and VGGFace(FD(x)) for a batch of face features x (Ff, Sf or a prior).
 * It runs the decoder's training graph as saved, whose frozen feature network (VGGFace, or dlib's descriptor) is
 * exactly the network that made the cached features: one forward pass gives the face and the feature Table 4's
 * primed columns compare with Ff, with no second copy of the network to load or to keep in step. The feature width
 * is the graph's own (its first layer's input). Calls are serialised (a DL4J graph is not thread-safe).
 */
public final class FaceDecoding {
    private final ComputationGraph graph;
    private final ModelProfile profile;
    private final int featureDim;

    /** @param decoderTrainingGraph a graph built by {@link TrainingGraphs#decoder}, e.g. from a checkpoint */
    public FaceDecoding(ComputationGraph decoderTrainingGraph, ModelProfile profile) {
        int inputs = decoderTrainingGraph.getConfiguration().getNetworkInputs().size();
        int outputs = decoderTrainingGraph.getConfiguration().getNetworkOutputs().size();
        if (inputs != 1 || outputs != 2) {
            throw new IllegalArgumentException("A face decoder training graph has 1 input and 2 outputs (face, its "
                    + "VGGFace fc7); this graph has " + inputs + " and " + outputs + ".");
        }
        this.graph = decoderTrainingGraph;
        this.profile = profile;
        this.featureDim = (int) ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) decoderTrainingGraph
                .getLayer(org.speech2face.model.networks.FaceDecoder.FC1).conf().getLayer()).getNIn();
    }

    /** Width of the features this decoder reads. */
    public int featureDim() {
        return featureDim;
    }

    /** Generated faces (RGB in [0, 1], channels first, {@code 3 * side * side} each) and their features. */
    public record Faces(float[][] rgb, float[][] fc7, int side) {
    }

    /** Side of the square faces this decoder draws. */
    public int side() {
        return profile.faceSize();
    }

    /** FD and the feature network over a batch of features, one row each of {@link #featureDim()} values. */
    public Faces decode(float[][] features) {
        INDArray x = Nd4j.create(Batches.rows(features, featureDim, "face feature"));
        INDArray[] out;
        synchronized (graph) {
            out = graph.output(false, x);
        }
        int n = features.length;
        int per = 3 * side() * side();
        float[] faces = out[0].castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[][] rgb = new float[n][];
        for (int i = 0; i < n; i++) {
            rgb[i] = java.util.Arrays.copyOfRange(faces, i * per, (i + 1) * per);
        }
        return new Faces(rgb, out[1].castTo(DataType.FLOAT).toFloatMatrix(), side());
    }
}
