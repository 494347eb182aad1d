package org.speech2face.model.loss;

import org.speech2face.model.networks.TrainingGraphs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The terms of each training loss, measured separately (the graphs only report their weighted sum): the face
 * decoder's image loss (eq. 4) and feature loss, and the speech encoder's three tri-item terms (eq. 7), each
 * unweighted, plus {@link #TOTAL}, the weighted sum the optimiser minimises. Graphs run in inference mode, so
 * batch norm uses its running statistics: the figures describe the model as saved, not one minibatch.
 */
public enum LossTerms {
    /** FD: 0.84 (1 - MS-SSIM) + 0.16 L1 per image, and 1 - cos(VGGFace fc7 of the generated face, Ff). */
    DECODER("image_loss", "feature_loss"),
    /** SE: ||Ff/|Ff| - Sf/|Sf|||^2, ||DFc1(Ff) - DFc1(Sf)||_1, 1 - cos(VFc3(Ff), VFc3(Sf)). */
    ENCODER("feature_term", "decoder_term", "vgg_term");

    /** The weighted sum of the terms: the training loss itself. */
    public static final String TOTAL = "total";
    private static final double EPS = 1e-12;

    private final List<String> names;

    LossTerms(String... names) {
        this.names = List.of(names);
    }

    /** The terms' names, in the order of {@link Evaluator#sums()}. */
    public List<String> names() {
        return names;
    }

    /** An accumulator of per-term sums over batches, for one training graph. */
    public Evaluator evaluator(ComputationGraph trainingGraph) {
        return new Evaluator(this, trainingGraph);
    }

    /**
     * Per-example means of {@code sums} (in {@link #names()} order) over {@code examples}, with {@link #TOTAL} =
     * the sum of the means weighted by {@code weights}. A term of weight 0 is not part of the loss (the dlib profile
     * drops VGGFace's {@code vgg_term}) and is left out.
     */
    public Map<String, Double> means(double[] sums, long examples, double[] weights) {
        if (sums.length != names.size() || weights.length != names.size()) {
            throw new IllegalArgumentException(name() + " has " + names.size() + " loss terms; got " + sums.length
                    + " sums and " + weights.length + " weights.");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double total = 0;
        for (int i = 0; i < sums.length; i++) {
            if (weights[i] == 0) {
                continue;
            }
            double mean = examples == 0 ? Double.NaN : sums[i] / examples;
            out.put(names.get(i), mean);
            total += weights[i] * mean;
        }
        out.put(TOTAL, total);
        return out;
    }

    /** Sums each term over the batches it is given; one per thread (it holds a graph). */
    public static final class Evaluator {
        private final LossTerms kind;
        private final ComputationGraph graph;
        private final double[] weights;
        private final double[] sums;
        private ComputationGraph imageLoss;
        private long examples;

        private Evaluator(LossTerms kind, ComputationGraph graph) {
            this.kind = kind;
            this.graph = graph;
            this.sums = new double[kind.names.size()];
            this.weights = kind == DECODER ? new double[] {1, 1} : triItem(graph).lambdas();
        }

        /** Adds every example of {@code batch} (a minibatch of the graph's own training examples). */
        public Evaluator add(MultiDataSet batch) {
            long n = batch.getFeatures(0).size(0);
            double[] s = kind == DECODER ? decoder(batch) : encoder(batch);
            for (int i = 0; i < s.length; i++) {
                sums[i] += s[i];
            }
            examples += n;
            return this;
        }

        public long examples() {
            return examples;
        }

        public double[] sums() {
            return sums.clone();
        }

        /** Each term's weight in the training loss: 1 and 1 for FD, the tri-item lambdas for SE. */
        public double[] weights() {
            return weights.clone();
        }

        public Map<String, Double> means() {
            return kind.means(sums, examples, weights);
        }

        private double[] decoder(MultiDataSet batch) {
            INDArray[] out = graph.output(false, batch.getFeatures());
            INDArray real = batch.getLabels(0);
            double n = real.size(0);
            double image = imageLossGraph(real).score(new org.nd4j.linalg.dataset.MultiDataSet(out[0], real)) * n;
            double feature = new CosineDistanceLoss().computeScore(batch.getLabels(1), out[1],
                    Activation.IDENTITY.getActivationFunction(), null, false);
            return new double[] {image, feature};
        }

        /** The image loss layer alone (it has no parameters), with the training graph's alpha and scales. */
        private ComputationGraph imageLossGraph(INDArray real) {
            if (imageLoss == null) {
                FaceImageLoss conf = (FaceImageLoss) graph.getLayer(TrainingGraphs.IMAGE_LOSS).conf().getLayer();
                imageLoss = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                        .graphBuilder().addInputs("face")
                        .addLayer("loss", new FaceImageLoss(conf.getAlpha(), conf.getScales()), "face")
                        .setOutputs("loss")
                        .setInputTypes(InputType.convolutional(real.size(2), real.size(3), real.size(1))).build());
                imageLoss.init();
            }
            return imageLoss;
        }

        private double[] encoder(MultiDataSet batch) {
            INDArray sf = graph.output(false, batch.getFeatures())[0].castTo(DataType.DOUBLE);
            INDArray ff = batch.getLabels(0).castTo(DataType.DOUBLE);
            Map<String, INDArray> p = graph.getLayer(TrainingGraphs.TRI_LOSS).paramTable();
            INDArray w1 = p.get(TriItemLoss.DFC1_W).castTo(DataType.DOUBLE);
            INDArray b1 = p.get(TriItemLoss.DFC1_B).castTo(DataType.DOUBLE).reshape(1, -1);
            INDArray w8 = p.get(TriItemLoss.VFC3_W).castTo(DataType.DOUBLE);
            INDArray b8 = p.get(TriItemLoss.VFC3_B).castTo(DataType.DOUBLE).reshape(1, -1);

            INDArray diff = ff.divColumnVector(norm(ff)).subi(sf.divColumnVector(norm(sf)));
            double feature = diff.mul(diff).sumNumber().doubleValue();
            INDArray dF = Transforms.relu(ff.mmul(w1).addiRowVector(b1), false);
            INDArray dS = Transforms.relu(sf.mmul(w1).addiRowVector(b1), false);
            double decoder = Transforms.abs(dF.subi(dS), false).sumNumber().doubleValue();
            INDArray vF = Transforms.relu(ff, true).mmul(w8).addiRowVector(b8);
            INDArray vS = Transforms.relu(sf, true).mmul(w8).addiRowVector(b8);
            INDArray cos = vF.mul(vS).sum(true, 1).divi(norm(vF).muli(norm(vS)));
            double vgg = cos.rsub(1.0).sumNumber().doubleValue();
            return new double[] {feature, decoder, vgg};
        }

        /** Row norms as the loss layer takes them: sqrt(sum of squares + eps^2), an [N, 1] column. */
        private static INDArray norm(INDArray v) {
            return Transforms.sqrt(v.mul(v).sum(true, 1).addi(EPS * EPS), false);
        }

        private static TriItemLoss triItem(ComputationGraph graph) {
            return (TriItemLoss) graph.getLayer(TrainingGraphs.TRI_LOSS).conf().getLayer();
        }
    }
}
