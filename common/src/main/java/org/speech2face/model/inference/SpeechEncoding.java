package org.speech2face.model.inference;

import org.speech2face.contracts.EncoderVariant;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.SpectrogramInput;
import org.speech2face.model.networks.TrainingGraphs;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained speech encoder at inference: Sf for a batch of spectrograms and, when the variant fuses one, their
 * priors. Runs the encoder's training graph as saved (its loss layer passes Sf through at inference), with batch
 * norm in inference mode. Calls are serialised (a DL4J graph is not thread-safe).
 */
public final class SpeechEncoding {
    private final ComputationGraph graph;
    private final EncoderVariant variant;
    private final ModelProfile profile;

    /** @param encoderTrainingGraph a graph built by {@link TrainingGraphs#encoder} for {@code variant}'s fusion */
    public SpeechEncoding(ComputationGraph encoderTrainingGraph, EncoderVariant variant, ModelProfile profile) {
        int inputs = encoderTrainingGraph.getConfiguration().getNetworkInputs().size();
        int expected = variant.fusion().usesPrior() ? 2 : 1;
        if (inputs != expected) {
            throw new IllegalArgumentException("Encoder variant " + variant.id() + " reads " + expected
                    + " input(s) but its graph has " + inputs + ": the checkpoint belongs to another variant.");
        }
        this.graph = encoderTrainingGraph;
        this.variant = variant;
        this.profile = profile;
    }

    public EncoderVariant variant() {
        return variant;
    }

    /** Width of Sf and of the priors: the graph's own (VGGFace fc7's, or dlib's 128). */
    public int featureDim() {
        return (int) ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) graph
                .getLayer(org.speech2face.model.networks.SpeechEncoder.FC2).conf().getLayer()).getNOut();
    }

    /**
     * Sf of each spectrogram ({@code [2][598][257]} flat, see {@link SpectrogramInput#channelsFirst}); {@code priors}
     * holds one prior per spectrogram for a variant with a prior and is ignored (may be null) otherwise.
     */
    public float[][] encode(float[][] spectrograms, float[][] priors) {
        int per = ModelProfile.SPECTROGRAM_CHANNELS * ModelProfile.SPECTROGRAM_FRAMES * ModelProfile.SPECTROGRAM_BINS;
        INDArray spec = Nd4j.create(Batches.flat(spectrograms, per, "spectrogram"), new long[] {spectrograms.length,
                ModelProfile.SPECTROGRAM_CHANNELS, ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS}, 'c');
        INDArray[] in;
        if (variant.fusion().usesPrior()) {
            if (priors == null || priors.length != spectrograms.length) {
                throw new IllegalArgumentException("Encoder variant " + variant.id() + " needs one prior per spectrogram; got "
                        + (priors == null ? "none" : priors.length) + " for " + spectrograms.length + ".");
            }
            in = new INDArray[] {spec, Nd4j.create(Batches.rows(priors, featureDim(), "prior"))};
        } else {
            in = new INDArray[] {spec};
        }
        INDArray sf;
        synchronized (graph) {
            sf = graph.output(false, in)[0];
        }
        return sf.castTo(DataType.FLOAT).toFloatMatrix();
    }
}
