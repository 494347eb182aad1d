package org.speech2face.jobs.train;

import org.apache.spark.SparkEnv;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs on the workers around each minibatch DL4J's parameter averaging fits, adding that minibatch and the seconds
 * of its training step to a {@link WorkerTally} under the executor's id. The model's score is the minibatch's loss
 * before the update. Each task deserialises its own copy of the hook, so the start time is the task's own.
 */
final class TallyHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    private final WorkerTally tally;
    private transient long started;

    TallyHook(WorkerTally tally) {
        this.tally = tally;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        started = System.nanoTime();
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        tally.add(new WorkerTally.Step(executor(), minibatch.numExamples(), model.score(), seconds()));
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        started = System.nanoTime();
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        tally.add(new WorkerTally.Step(executor(), minibatch.getFeatures(0).size(0), model.score(), seconds()));
    }

    private double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    /** The Spark executor this runs in ({@code driver} in local mode). */
    static String executor() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "unknown" : env.executorId();
    }
}
