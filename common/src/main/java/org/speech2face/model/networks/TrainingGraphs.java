package org.speech2face.model.networks;

import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.contracts.PriorFusion;
import org.speech2face.faceapi.nets.FaceDescriptorNet;
import org.speech2face.model.io.Weights;
import org.speech2face.model.loss.CosineDistanceLoss;
import org.speech2face.model.loss.FaceImageLoss;
import org.speech2face.model.loss.TriItemLoss;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The two graphs that are trained, with their losses inside so that {@code ComputationGraph.fit} (and DL4J's Spark
 * training master) needs nothing else.
 *
 * <p>Decoder graph: input {@link FaceDecoder#INPUT} (Ff); outputs {@link #IMAGE_LOSS} (labels: the real face, RGB
 * [0, 1], NCHW) and {@link #FEATURE_LOSS} (labels: Ff again, since Ff is VGGFace fc7 of that real face). The
 * generated face goes through a frozen VGGFace ({@code FrozenLayerWithBackprop}: never updated, gradients pass
 * through) up to fc7, and {@link CosineDistanceLoss} compares that with Ff. Total loss = image loss + cosine loss
 * (eq. 6). {@code output()} returns the generated face and its fc7.
 *
 * <p>Encoder graph: inputs {@link SpeechEncoder#INPUT} (and {@link SpeechEncoder#PRIOR}); output {@link #TRI_LOSS}
 * (labels: Ff); {@code output()} returns Sf. DFc1 and VFc3 live inside {@link TriItemLoss} with a zero learning rate.
 *
 * <p>With the {@link FeatureNetwork#DLIB_RESNET128 dlib} feature network, Ff is dlib's 128-D face descriptor: FD reads
 * it, SE predicts it, and the decoder's feature loss compares the descriptor of the generated face, computed by the
 * descriptor frozen inside the graph ({@link DlibDescriptor}), with Ff. The tri-item loss keeps its first two terms;
 * the third, VFc3 (VGGFace's fc8, its identity classifier), has no counterpart in dlib's network, which was trained as
 * a metric embedding without a classifier head: it is dropped (weight 0, VFc3 all zeros).
 */
public final class TrainingGraphs {
    public static final String IMAGE_LOSS = "image_loss";
    public static final String FEATURE_LOSS = "feature_loss";
    public static final String TRI_LOSS = "tri_loss";

    private TrainingGraphs() {
    }

    /** FD + frozen VGGFace with the image and face-feature losses. */
    public static ComputationGraphConfiguration decoder(ModelProfile profile, IUpdater updater, DataType dataType, long seed) {
        GraphBuilder b = Networks.base(dataType, seed, updater).graphBuilder().addInputs(FaceDecoder.INPUT);
        String face = FaceDecoder.add(b, FaceDecoder.INPUT, profile);
        b.addLayer(IMAGE_LOSS, new FaceImageLoss(FaceImageLoss.PAPER_ALPHA, profile.msSsimScales()), face);
        String fc7 = VggFace.add(b, face, profile, true, false);
        b.addLayer(FEATURE_LOSS, new LossLayer.Builder().lossFunction(new CosineDistanceLoss())
                .activation(Activation.IDENTITY).build(), fc7);
        return b.setOutputs(IMAGE_LOSS, FEATURE_LOSS)
                .setInputTypes(InputType.feedForward(profile.featureDim()))
                .build();
    }

    /** FD with the image loss and the feature loss of {@code network} (frozen inside the graph). */
    public static ComputationGraphConfiguration decoder(ModelProfile profile, FeatureNetwork network, IUpdater updater,
                                                        DataType dataType, long seed) {
        if (network == FeatureNetwork.VGGFACE) {
            return decoder(profile, updater, dataType, seed);
        }
        GraphBuilder b = Networks.base(dataType, seed, updater).graphBuilder().addInputs(FaceDecoder.INPUT);
        String face = FaceDecoder.add(b, FaceDecoder.INPUT, profile);
        b.addLayer(IMAGE_LOSS, new FaceImageLoss(FaceImageLoss.PAPER_ALPHA, profile.msSsimScales()), face);
        String descriptor = DlibDescriptor.add(b, face, true);
        b.addLayer(FEATURE_LOSS, new LossLayer.Builder().lossFunction(new CosineDistanceLoss())
                .activation(Activation.IDENTITY).build(), descriptor);
        return b.setOutputs(IMAGE_LOSS, FEATURE_LOSS)
                .setInputTypes(InputType.feedForward(DlibDescriptor.DIMENSIONS))
                .build();
    }

    /** Copies the descriptor's weights into the frozen copy inside a dlib decoder training graph. */
    public static void loadFrozenDescriptor(ComputationGraph decoderGraph, FaceDescriptorNet descriptor) {
        descriptor.copyWeightsInto(decoderGraph, DlibDescriptor.PREFIX);
    }

    /** SE with prior fusion and the tri-item loss (frozen DFc1 and VFc3 inside the loss layer). */
    public static ComputationGraphConfiguration encoder(ModelProfile profile, PriorFusion fusion, IUpdater updater,
                                                        DataType dataType, long seed) {
        GraphBuilder b = Networks.base(dataType, seed, updater).graphBuilder().addInputs(SpeechEncoder.inputNames(fusion));
        String sf = SpeechEncoder.add(b, profile, fusion);
        double[] l = TriItemLoss.PAPER_LAMBDAS;
        b.addLayer(TRI_LOSS, new TriItemLoss(profile, l[0], l[1], l[2]), sf);
        return b.setOutputs(TRI_LOSS).setInputTypes(SpeechEncoder.inputTypes(profile, fusion)).build();
    }

    /**
     * SE predicting Ff of {@code network}, with the tri-item loss. For dlib the loss has no VFc3 term (weight 0, one
     * identity, see the class comment); fill it with {@link #loadFrozenDecoderLayer}.
     */
    public static ComputationGraphConfiguration encoder(ModelProfile profile, PriorFusion fusion, FeatureNetwork network,
                                                        IUpdater updater, DataType dataType, long seed) {
        if (network == FeatureNetwork.VGGFACE) {
            return encoder(profile, fusion, updater, dataType, seed);
        }
        int dim = DlibDescriptor.DIMENSIONS;
        GraphBuilder b = Networks.base(dataType, seed, updater).graphBuilder().addInputs(SpeechEncoder.inputNames(fusion));
        String sf = SpeechEncoder.add(b, profile, fusion, dim);
        double[] l = TriItemLoss.PAPER_LAMBDAS;
        b.addLayer(TRI_LOSS, new TriItemLoss(dim, profile.decoderHidden(), 1, l[0], l[1], 0.0), sf);
        return b.setOutputs(TRI_LOSS).setInputTypes(SpeechEncoder.inputTypes(profile, fusion, dim)).build();
    }

    /**
     * Fills a tri-item loss without a VFc3 term: DFc1 from a trained decoder, VFc3 zeros (with zero weights and
     * biases the dropped term and all its gradients are exactly 0).
     */
    public static void loadFrozenDecoderLayer(ComputationGraph encoderGraph, ComputationGraph decoder) {
        Map<String, INDArray> loss = encoderGraph.getLayer(TRI_LOSS).paramTable();
        Map<String, INDArray> fc1 = decoder.getLayer(FaceDecoder.FC1).paramTable();
        Weights.requireSameShape(loss.get(TriItemLoss.DFC1_W), fc1.get("W"), FaceDecoder.FC1 + " W");
        Weights.requireSameShape(loss.get(TriItemLoss.DFC1_B), fc1.get("b"), FaceDecoder.FC1 + " b");
        Weights.assign(loss.get(TriItemLoss.DFC1_W), fc1.get("W"), FaceDecoder.FC1 + " W");
        Weights.assign(loss.get(TriItemLoss.DFC1_B), fc1.get("b"), FaceDecoder.FC1 + " b");
        loss.get(TriItemLoss.VFC3_W).assign(0);
        loss.get(TriItemLoss.VFC3_B).assign(0);
    }

    /**
     * Copies VGGFace's weights (from a graph built by {@link VggFace#configuration}, or any graph with the same
     * layer names) into a decoder training graph's frozen copy.
     */
    public static void loadFrozenVggFace(ComputationGraph decoderGraph, ComputationGraph vggFace) {
        for (String name : VggFace.parameterLayerNames()) {
            if (decoderGraph.getVertex(name) != null) {
                Weights.copyLayer(vggFace, decoderGraph, name, name);
            }
        }
    }

    /**
     * Fills the tri-item loss's frozen layers: DFc1 from a trained decoder (its {@link FaceDecoder#FC1}) and VFc3
     * from VGGFace's fc8.
     */
    public static void loadFrozenLossLayers(ComputationGraph encoderGraph, ComputationGraph decoder, ComputationGraph vggFace) {
        Map<String, INDArray> loss = encoderGraph.getLayer(TRI_LOSS).paramTable();
        Map<String, INDArray> fc1 = decoder.getLayer(FaceDecoder.FC1).paramTable();
        Map<String, INDArray> fc8 = vggFace.getLayer(VggFace.FC8).paramTable();
        String[][] pairs = {{TriItemLoss.DFC1_W, "W", FaceDecoder.FC1}, {TriItemLoss.DFC1_B, "b", FaceDecoder.FC1},
                {TriItemLoss.VFC3_W, "W", VggFace.FC8}, {TriItemLoss.VFC3_B, "b", VggFace.FC8}};
        for (String[] p : pairs) { // all shapes first: a mismatch leaves the graph untouched
            Weights.requireSameShape(loss.get(p[0]), (p[2].equals(VggFace.FC8) ? fc8 : fc1).get(p[1]), p[2] + " " + p[1]);
        }
        for (String[] p : pairs) {
            Weights.assign(loss.get(p[0]), (p[2].equals(VggFace.FC8) ? fc8 : fc1).get(p[1]), p[2] + " " + p[1]);
        }
    }
}
