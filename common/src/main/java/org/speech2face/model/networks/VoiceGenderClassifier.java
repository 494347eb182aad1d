package org.speech2face.model.networks;

import org.speech2face.model.layers.FastBatchNormalization;
import org.speech2face.model.layers.FastConvolution;
import org.speech2face.model.layers.FastSubsampling;
import org.speech2face.model.layers.NativeBackend;
import org.speech2face.model.layers.SpectrogramMagnitude;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.Arrays;

/**
 * The paper's "lightweight" voice gender CNN (section 3.1), which picks the male or female face prior from a voice:
 * five convolutions and three max-pools, then two fully connected layers, batch norm and ReLU after each hidden
 * layer, a two-way softmax. It reads the [2, 598, 257] real/imaginary spectrogram like SE, and takes its magnitude
 * first ({@link SpectrogramMagnitude}). The paper gives no widths or kernels; these follow SE's first layers (7x7/2, 3/2 pool,
 * 5x5/2, 3/2 pool, three 3x3), so both read the same [2, 598, 257] spectrogram the same way.
 * The tiny profile divides widths by 4 and strides conv1 by 4 in time (not in frequency, where pitch lives).
 */
public final class VoiceGenderClassifier {
    /** Output column of each class. */
    public static final int FEMALE = 0;
    public static final int MALE = 1;
    /**
     * Weight of the running batch-norm statistics against each new batch (DL4J's default is 0.9). With 0.9 the
     * statistics used at inference still carried 10% of their initial values after the ~20 steps a small labelled
     * set gives, which pushed held-out voices of one gender to P(male) = 0.5 (synthetic voices: 4-7 of 8 right at
     * 0.9, 8 of 8 at 0.75 for three seeds). 0.75 forgets the start within a few steps.
     */
    static final double BN_DECAY = 0.75;
    /** DL4J's dropout parameter is the probability of keeping an input; fc1 sees half its inputs in training. */
    static final double KEEP_PROBABILITY = 0.5;

    private VoiceGenderClassifier() {
    }

    /** Convolution widths, fc1 width and conv1's stride in time, per profile. */
    private record Sizes(int[] convWidths, int hidden, int conv1TimeStride) {
    }

    private static Sizes sizes(ModelProfile profile) {
        return switch (profile) {
            case PAPER -> new Sizes(new int[] {32, 64, 128, 128, 256}, 256, 2);
            case TINY -> new Sizes(new int[] {8, 16, 32, 32, 64}, 64, 4);
        };
    }

    /**
     * The network, with Adam at {@code learningRate} and a cross-entropy weighted by {@code classWeights}
     * ({@code [female, male]}): AVSpeech, like the sample, is not gender-balanced, and an unweighted loss would
     * buy accuracy by leaning to the majority.
     */
    public static MultiLayerConfiguration configuration(ModelProfile profile, long seed, double learningRate,
                                                        double[] classWeights) {
        if (classWeights.length != 2 || !(classWeights[0] > 0) || !(classWeights[1] > 0)) {
            throw new IllegalArgumentException("Class weights must be two positive numbers [female, male]; got "
                    + Arrays.toString(classWeights) + ".");
        }
        Sizes s = sizes(profile);
        int[] w = s.convWidths();
        NativeBackend.preferOneDnn();
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.RELU)
                .l2(1e-4)
                .convolutionMode(ConvolutionMode.Truncate)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();
        b.layer(new SpectrogramMagnitude());
        conv(b, 7, s.conv1TimeStride(), 2, w[0]);
        maxPool(b);
        conv(b, 5, 2, 2, w[1]);
        maxPool(b);
        conv(b, 3, 1, 1, w[2]);
        conv(b, 3, 1, 1, w[3]);
        conv(b, 3, 1, 1, w[4]);
        int frames = remainingFrames(s.conv1TimeStride());
        b.layer(new FastSubsampling.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(frames, 3).stride(1, 2)
                .build());
        b.layer(new DenseLayer.Builder().nOut(s.hidden()).activation(Activation.IDENTITY).dropOut(KEEP_PROBABILITY).build());
        bnRelu(b);
        INDArray weights = Nd4j.create(classWeights, new long[] {1, 2}, DataType.FLOAT);
        b.layer(new OutputLayer.Builder().lossFunction(new LossMCXENT(weights)).nOut(2)
                .activation(Activation.SOFTMAX).build());
        return b.setInputType(InputType.convolutional(ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS,
                SpectrogramInput.CHANNELS)).build();
    }

    /** An initialised network. */
    public static MultiLayerNetwork create(ModelProfile profile, long seed, double learningRate, double[] classWeights) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(profile, seed, learningRate, classWeights));
        net.init();
        return net;
    }

    /**
     * Class weights that make both genders count equally in the loss: {@code total / (2 * count)} per class.
     */
    public static double[] balancedWeights(long female, long male) {
        if (female < 1 || male < 1) {
            throw new IllegalArgumentException("Training needs voices of both genders; got " + female
                    + " female and " + male + " male.");
        }
        double total = female + male;
        return new double[] {total / (2.0 * female), total / (2.0 * male)};
    }

    /** Stacks channels-first spectrograms into one NCHW batch. */
    public static INDArray batch(float[][] channelsFirst) {
        int per = SpectrogramInput.CHANNELS * ModelProfile.SPECTROGRAM_FRAMES * ModelProfile.SPECTROGRAM_BINS;
        float[] flat = new float[channelsFirst.length * per];
        for (int i = 0; i < channelsFirst.length; i++) {
            if (channelsFirst[i].length != per) {
                throw new IllegalArgumentException("Spectrogram " + i + " of the batch has " + channelsFirst[i].length
                        + " values, not " + per + ".");
            }
            System.arraycopy(channelsFirst[i], 0, flat, i * per, per);
        }
        return Nd4j.create(flat, new long[] {channelsFirst.length, SpectrogramInput.CHANNELS,
                ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS}, 'c');
    }

    /** One-hot labels {@code [n, 2]} for {@code male[i]}. */
    public static INDArray labels(boolean[] male) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, male.length, 2);
        for (int i = 0; i < male.length; i++) {
            y.putScalar(i, male[i] ? MALE : FEMALE, 1.0);
        }
        return y;
    }

    /** P(male) per spectrogram, from a trained network (inference mode: batch norm uses its running statistics). */
    public static float[] pMale(MultiLayerNetwork net, float[][] channelsFirst) {
        INDArray out;
        synchronized (net) {
            out = net.output(batch(channelsFirst), false);
        }
        return out.getColumn(MALE).castTo(DataType.FLOAT).toFloatVector();
    }

    /** Time steps left after conv1, pool, conv2, pool and the 3x3 convolutions (Truncate mode, padding 1). */
    private static int remainingFrames(int conv1Stride) {
        int t = out(ModelProfile.SPECTROGRAM_FRAMES, 7, conv1Stride, 1);
        t = out(t, 3, 2, 0);
        t = out(t, 5, 2, 1);
        return out(t, 3, 2, 0);
    }

    private static int out(int in, int kernel, int stride, int pad) {
        return (in + 2 * pad - kernel) / stride + 1;
    }

    private static void conv(NeuralNetConfiguration.ListBuilder b, int kernel, int strideTime, int strideFreq,
                             int width) {
        b.layer(new FastConvolution.Builder(kernel, kernel).stride(strideTime, strideFreq).padding(1, 1).nOut(width)
                .activation(Activation.IDENTITY).build());
        bnRelu(b);
    }

    private static void bnRelu(NeuralNetConfiguration.ListBuilder b) {
        FastBatchNormalization bn = new FastBatchNormalization();
        bn.setDecay(BN_DECAY);
        b.layer(bn);
        b.layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
    }

    private static void maxPool(NeuralNetConfiguration.ListBuilder b) {
        b.layer(new FastSubsampling.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3).stride(2, 2).build());
    }
}
