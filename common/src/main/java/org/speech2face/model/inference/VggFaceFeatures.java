package org.speech2face.model.inference;

import org.speech2face.model.networks.ModelProfile;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batched VGGFace read-outs for cached features: Ff = fc7 before its ReLU and the identity logits fc8. One instance
 * holds one loaded graph; calls are serialised because a DL4J graph is not thread-safe, and a VGG16 is too large to
 * keep a copy per task thread (ND4J's own threads still use every core during a call).
 */
public final class VggFaceFeatures {
    private final ComputationGraph graph;
    private final ModelProfile profile;

    public VggFaceFeatures(ComputationGraph graph, ModelProfile profile) {
        this.graph = graph;
        this.profile = profile;
    }

    /** fc7 and fc8 of a batch, one row per face. */
    public record Batch(float[][] fc7, float[][] fc8) {
    }

    /** Side of the square RGB face the graph reads. */
    public int faceSide() {
        return profile.faceSize();
    }

    /** Length of fc7 (Ff). */
    public int featureDim() {
        return profile.featureDim();
    }

    /** Length of fc8. */
    public int identities() {
        return profile.identities();
    }

    /** Features of faces given as RGB in [0, 1], channels first, {@code 3 * faceSide^2} values each. */
    public Batch extract(float[][] rgbChannelsFirst) {
        int n = rgbChannelsFirst.length;
        int side = faceSide();
        int per = 3 * side * side;
        float[] flat = new float[n * per];
        for (int i = 0; i < n; i++) {
            if (rgbChannelsFirst[i].length != per) {
                throw new IllegalArgumentException("Face " + i + " of the batch has " + rgbChannelsFirst[i].length
                        + " values; a " + side + "x" + side + " RGB face has " + per + ".");
            }
            System.arraycopy(rgbChannelsFirst[i], 0, flat, i * per, per);
        }
        INDArray input = Nd4j.create(flat, new long[] {n, 3, side, side}, 'c');
        INDArray[] out;
        synchronized (graph) {
            out = graph.output(false, input);
        }
        return new Batch(out[0].castTo(DataType.FLOAT).toFloatMatrix(), out[1].castTo(DataType.FLOAT).toFloatMatrix());
    }
}
