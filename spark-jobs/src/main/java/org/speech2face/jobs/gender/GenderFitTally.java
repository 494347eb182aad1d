package org.speech2face.jobs.gender;

import org.apache.spark.SparkContext;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * What the workers fitted, counted by a DL4J training hook after each minibatch into Spark accumulators (which keep
 * successful task attempts only): examples, minibatches, minibatches of a single example (batch normalisation's
 * failure case, which the deal rules out), and the loss before each update weighted by its examples.
 */
final class GenderFitTally implements TrainingHook {
    private static final long serialVersionUID = 1L;

    final LongAccumulator examples;
    final LongAccumulator minibatches;
    final LongAccumulator minibatchesOfOne;
    final DoubleAccumulator weightedLoss;

    GenderFitTally(SparkContext sc) {
        examples = sc.longAccumulator("train-gender: examples fitted");
        minibatches = sc.longAccumulator("train-gender: minibatches fitted");
        minibatchesOfOne = sc.longAccumulator("train-gender: minibatches of one example");
        weightedLoss = sc.doubleAccumulator("train-gender: loss x examples");
    }

    /** Starts the count of a new epoch. */
    void reset() {
        examples.reset();
        minibatches.reset();
        minibatchesOfOne.reset();
        weightedLoss.reset();
    }

    /** Mean loss per example of the minibatches fitted since {@link #reset}. */
    double meanLoss() {
        return examples.value() == 0 ? Double.NaN : weightedLoss.value() / examples.value();
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        // counted after the update
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        int n = minibatch.numExamples();
        examples.add(n);
        minibatches.add(1);
        minibatchesOfOne.add(n == 1 ? 1 : 0);
        weightedLoss.add(model.score() * n);
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        // train-gender fits DataSets only
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        throw new IllegalStateException("train-gender fits DataSets; a MultiDataSet reached its training hook.");
    }
}
