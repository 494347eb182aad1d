package org.speech2face.model.networks;

import org.speech2face.contracts.PriorFusion;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training example of each graph in {@link TrainingGraphs}, as a single-example {@code MultiDataSet} in the
 * order of the graph's inputs and outputs. DL4J's Spark workers stack such examples into minibatches, so every
 * example is one RDD element and the data each worker fits can be counted exactly.
 */
public final class TrainingExamples {
    private TrainingExamples() {
    }

    /**
     * A face-decoder example: input Ff; labels the real face and Ff again (the feature loss compares VGGFace fc7
     * of the generated face with Ff).
     *
     * @param ff   VGGFace fc7 of the face, {@link ModelProfile#featureDim()} values
     * @param face the face as {@code FacePixels.rgbChannelsFirst} gives it: RGB planes in [0, 1] at
     *             {@link ModelProfile#faceSize()}
     */
    public static MultiDataSet decoder(float[] ff, float[] face, ModelProfile profile) {
        return decoder(ff, face, profile, profile.featureDim());
    }

    /** {@link #decoder(float[], float[], ModelProfile)} for Ff of {@code featureDim} values (e.g. dlib's 128). */
    public static MultiDataSet decoder(float[] ff, float[] face, ModelProfile profile, int featureDim) {
        requireLength("Ff", ff, featureDim);
        int side = profile.faceSize();
        requireLength("The face", face, 3 * side * side);
        INDArray f = row(ff);
        return new MultiDataSet(new INDArray[] {f},
                new INDArray[] {Nd4j.create(face, new long[] {1, 3, side, side}, DataType.FLOAT), f.dup()});
    }

    /**
     * A speech-encoder example: inputs the spectrogram (and the prior when {@code fusion} uses one); label Ff.
     *
     * @param spectrogram {@code [frames][bins][2]} as spectrograms/ stores it (598 x 257, real/imaginary)
     * @param prior       the prior face feature, or null when {@code fusion} is {@link PriorFusion#NONE}
     * @param ff          VGGFace fc7 of the clip's face
     */
    public static MultiDataSet encoder(float[] spectrogram, float[] prior, float[] ff, ModelProfile profile,
                                       PriorFusion fusion) {
        return encoder(spectrogram, prior, ff, profile, fusion, profile.featureDim());
    }

    /** {@link #encoder(float[], float[], float[], ModelProfile, PriorFusion)} for Ff of {@code featureDim} values. */
    public static MultiDataSet encoder(float[] spectrogram, float[] prior, float[] ff, ModelProfile profile,
                                       PriorFusion fusion, int featureDim) {
        int frames = ModelProfile.SPECTROGRAM_FRAMES;
        int bins = ModelProfile.SPECTROGRAM_BINS;
        float[] chw = SpectrogramInput.channelsFirst(spectrogram, frames, bins);
        INDArray spec = Nd4j.create(chw, new long[] {1, SpectrogramInput.CHANNELS, frames, bins}, DataType.FLOAT);
        requireLength("Ff", ff, featureDim);
        if (fusion.usesPrior() != (prior != null)) {
            throw new IllegalArgumentException("Fusion '" + fusion.id() + "' " + (fusion.usesPrior()
                    ? "needs a prior face feature, but none was given." : "takes no prior, but one was given."));
        }
        INDArray[] inputs;
        if (prior == null) {
            inputs = new INDArray[] {spec};
        } else {
            requireLength("The prior", prior, featureDim);
            inputs = new INDArray[] {spec, row(prior)};
        }
        return new MultiDataSet(inputs, new INDArray[] {row(ff)});
    }

    private static INDArray row(float[] v) {
        return Nd4j.create(v, new long[] {1, v.length}, DataType.FLOAT);
    }

    private static void requireLength(String what, float[] v, int expected) {
        if (v == null || v.length != expected) {
            throw new IllegalArgumentException(what + " has " + (v == null ? "no" : String.valueOf(v.length))
                    + " values; this model profile needs " + expected + ".");
        }
    }
}
