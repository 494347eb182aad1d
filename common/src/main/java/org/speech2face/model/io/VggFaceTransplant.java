package org.speech2face.model.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.VggFace;

/**
 * Moves a VGG16-shaped network's weights (13 convolutions then 3 dense layers, whatever their names) into
 * {@link VggFace}'s graph, then proves the move: on a random face, the source network's rectified fc7 must equal
 * {@link VggFace}'s, to 1e-3 of its largest value. The one layout question, the order
 * in which fc6 reads the flattened 512x7x7 map (channel-major in DL4J, height-width-channel in Keras'
 * channels-last models), is settled by that check: both orders are tried, and only one can pass.
 */
final class VggFaceTransplant {
    private static final int CONVOLUTIONS = 13;
    private static final int DENSE = 3;
    private static final double TOLERANCE = 1e-3;

    private VggFaceTransplant() {
    }

    static ComputationGraph into(ComputationGraph source, ModelProfile profile, String where) {
        List<GraphVertex> convs = new ArrayList<>();
        List<GraphVertex> dense = new ArrayList<>();
        for (int idx : source.topologicalSortOrder()) {
            GraphVertex v = source.getVertices()[idx];
            if (!v.hasLayer() || v.getLayer().numParams() == 0) {
                continue;
            }
            org.deeplearning4j.nn.conf.layers.Layer conf = v.getLayer().conf().getLayer();
            if (conf instanceof ConvolutionLayer && !(conf instanceof Deconvolution2D)) {
                convs.add(v);
            } else if (conf instanceof FeedForwardLayer && v.getLayer().getParam("W") != null
                    && v.getLayer().getParam("W").rank() == 2) {
                dense.add(v);
            } else {
                throw new CheckpointException("VGGFace weights " + where + " contain layer '" + v.getVertexName() + "' ("
                        + conf.getClass().getSimpleName() + "), which VGG16 does not have.");
            }
        }
        if (convs.size() != CONVOLUTIONS || dense.size() != DENSE) {
            throw new CheckpointException("VGGFace weights " + where + " hold " + convs.size() + " convolutions and "
                    + dense.size() + " dense layers; VGG16 has " + CONVOLUTIONS + " and " + DENSE + ".");
        }
        requireWidths(convs, dense, profile, where); // before allocating the (145M-parameter) paper graph
        ComputationGraph target = new ComputationGraph(VggFace.configuration(profile, DataType.FLOAT, 0));
        target.init();
        List<String> targetConvs = VggFace.convolutionNames();
        try {
            for (int i = 0; i < CONVOLUTIONS; i++) {
                copy(convs.get(i).getLayer(), target.getLayer(targetConvs.get(i)), targetConvs.get(i));
            }
            String[] targetDense = {VggFace.FC6, VggFace.FC7, VggFace.FC8};
            for (int i = 0; i < DENSE; i++) {
                copy(dense.get(i).getLayer(), target.getLayer(targetDense[i]), targetDense[i]);
            }
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("VGGFace weights " + where + " do not fit the " + profile.id() + " profile: "
                    + e.getMessage(), e);
        }

        CNN2DFormat format = ((ConvolutionLayer) convs.get(0).getLayer().conf().getLayer()).getCnn2dDataFormat();
        double channelMajor = mismatch(source, target, dense.get(1), format, profile);
        if (channelMajor <= TOLERANCE) {
            return target;
        }
        INDArray fc6 = target.getLayer(VggFace.FC6).getParam("W");
        INDArray original = fc6.dup();
        fc6.assign(hwcToChw(original, profile));
        double channelLast = mismatch(source, target, dense.get(1), format, profile);
        if (channelLast <= TOLERANCE) {
            return target;
        }
        throw new CheckpointException(String.format(java.util.Locale.ROOT, "VGGFace weights %s do not reproduce their own "
                + "network after loading (fc7 relative difference %.3g channel-major, %.3g channels-last).", where,
                channelMajor, channelLast));
    }

    private static void requireWidths(List<GraphVertex> convs, List<GraphVertex> dense, ModelProfile profile, String where) {
        int[] depth = {2, 2, 3, 3, 3};
        int k = 0;
        List<String> names = VggFace.convolutionNames();
        for (int block = 0; block < depth.length; block++) {
            for (int i = 0; i < depth[block]; i++, k++) {
                long out = convs.get(k).getLayer().getParam("W").size(0);
                if (out != profile.vggWidths()[block]) {
                    throw new CheckpointException("VGGFace weights " + where + " do not fit the " + profile.id() + " profile: "
                            + names.get(k) + " has " + out + " output channels, expected " + profile.vggWidths()[block] + ".");
                }
            }
        }
        long[] units = {profile.featureDim(), profile.featureDim(), profile.identities()};
        for (int d = 0; d < dense.size(); d++) {
            long out = dense.get(d).getLayer().getParam("W").size(1);
            if (out != units[d]) {
                throw new CheckpointException("VGGFace weights " + where + " do not fit the " + profile.id() + " profile: fc"
                        + (d + 6) + " has " + out + " units, expected " + units[d] + ".");
            }
        }
    }

    private static void copy(Layer from, Layer to, String name) {
        Map<String, INDArray> target = to.paramTable();
        for (Map.Entry<String, INDArray> e : target.entrySet()) {
            INDArray value = from.getParam(e.getKey());
            if (value != null && e.getKey().equals("b") && value.length() == e.getValue().length()) {
                value = value.reshape(e.getValue().shape()); // [n] vs [1, n] bias layouts
            }
            Weights.assign(e.getValue(), value, name + " " + e.getKey());
        }
    }

    /** fc6 rows ordered (h, w, c), as Keras flattens a channels-last map, reordered to DL4J's (c, h, w). */
    static INDArray hwcToChw(INDArray w, ModelProfile profile) {
        int grid = profile.decoderGrid();
        int channels = profile.vggWidths()[4];
        long out = w.size(1);
        return w.reshape('c', grid, grid, channels, out).permute(2, 0, 1, 3).dup('c').reshape('c', (long) channels * grid * grid, out);
    }

    /** Largest |source fc7 - act(target fc7)| over the largest |source fc7|, on one random face. */
    private static double mismatch(ComputationGraph source, ComputationGraph target, GraphVertex sourceFc7,
                                   CNN2DFormat format, ModelProfile profile) {
        Nd4j.getRandom().setSeed(20200801);
        int s = profile.faceSize();
        INDArray face = Nd4j.rand(DataType.FLOAT, 1, 3, s, s);
        Map<String, INDArray> ours = target.feedForward(face, false);
        INDArray preprocessed = ours.get(VggFace.PREPROCESS).dup();
        if (format == CNN2DFormat.NHWC) {
            preprocessed = preprocessed.permute(0, 2, 3, 1).dup('c');
        }
        Map<String, INDArray> theirs;
        try {
            theirs = source.feedForward(preprocessed, false);
        } catch (RuntimeException e) {
            theirs = source.feedForward(preprocessed.reshape(1, -1), false); // networks declared with a flat input
        }
        // ReLU on both sides: an ActivationLayer after the source's fc7 (Keras' fc7/relu) rectifies the recorded
        // fc7 activation in place at inference time, and ReLU is idempotent
        INDArray expected = Transforms.relu(theirs.get(sourceFc7.getVertexName()), true);
        IActivation act = ((BaseLayer) sourceFc7.getLayer().conf().getLayer()).getActivationFn();
        INDArray actual = Transforms.relu(act.getActivation(ours.get(VggFace.FC7).dup(), false), false);
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-12);
        return actual.sub(expected.reshape(actual.shape())).amaxNumber().doubleValue() / scale;
    }
}
