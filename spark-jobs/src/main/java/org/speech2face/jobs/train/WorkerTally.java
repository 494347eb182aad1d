package org.speech2face.jobs.train;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.util.AccumulatorV2;

/**
 * What each executor fitted, summed over an epoch on the driver: examples, minibatches and the sum of the minibatch
 * losses (each weighted by its examples). Parameter averaging hides which worker saw which example; this makes it
 * countable, so a run can show that every example of the epoch was fitted exactly once and by whom.
 *
 * <p>Spark merges the updates of successful task attempts only, so a failed attempt counts nothing (its parameters
 * are discarded too); a finished task that Spark recomputes (after losing an executor) fits its examples again and
 * counts them again, which is what happened to the model.
 */
public final class WorkerTally extends AccumulatorV2<WorkerTally.Step, Map<String, WorkerTally.Totals>> {
    private static final long serialVersionUID = 1L;

    /** One fitted minibatch, and the seconds its training step took. */
    public record Step(String executor, long examples, double loss, double seconds) implements Serializable {
    }

    /**
     * One executor's sums; {@code stepSeconds} is the time spent in training steps, so that an epoch's fit time
     * beyond it is what the averaging rounds cost (broadcasts, the workers' graph set-up, the results).
     */
    public record Totals(long examples, long minibatches, double weightedLoss, double stepSeconds)
            implements Serializable {
        Totals plus(Totals o) {
            return new Totals(examples + o.examples, minibatches + o.minibatches, weightedLoss + o.weightedLoss,
                    stepSeconds + o.stepSeconds);
        }

        /** Mean minibatch loss per example. */
        public double meanLoss() {
            return examples == 0 ? Double.NaN : weightedLoss / examples;
        }
    }

    private TreeMap<String, Totals> byExecutor = new TreeMap<>();

    @Override
    public boolean isZero() {
        return byExecutor.isEmpty();
    }

    @Override
    public WorkerTally copy() {
        WorkerTally c = new WorkerTally();
        c.byExecutor = new TreeMap<>(byExecutor);
        return c;
    }

    @Override
    public void reset() {
        byExecutor = new TreeMap<>();
    }

    @Override
    public void add(Step s) {
        byExecutor.merge(s.executor(), new Totals(s.examples(), 1, s.loss() * s.examples(), s.seconds()), Totals::plus);
    }

    @Override
    public void merge(AccumulatorV2<Step, Map<String, Totals>> other) {
        other.value().forEach((k, v) -> byExecutor.merge(k, v, Totals::plus));
    }

    @Override
    public Map<String, Totals> value() {
        return byExecutor;
    }

    /** Examples over every executor. */
    public static long examples(Map<String, Totals> tally) {
        return tally.values().stream().mapToLong(Totals::examples).sum();
    }

    /** The longest time one executor spent in training steps: the least an epoch's fit can take. */
    public static double longestStepSeconds(Map<String, Totals> tally) {
        return tally.values().stream().mapToDouble(Totals::stepSeconds).max().orElse(0);
    }

    /** Mean minibatch loss per example over every executor. */
    public static double meanLoss(Map<String, Totals> tally) {
        double loss = tally.values().stream().mapToDouble(Totals::weightedLoss).sum();
        long n = examples(tally);
        return n == 0 ? Double.NaN : loss / n;
    }
}
