package org.speech2face.jobs.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.speech2face.contracts.DataLayout;
import org.speech2face.model.layers.EpsilonWorkspaces;
import org.speech2face.model.layers.NativeHeap;

/**
 * The memory each network's training step wants, in the JVM that fits each minibatch. Before it, glibc's buffer
 * thresholds ({@link NativeHeap}): the speech encoder's step keeps its 8-32 MB buffers for reuse, the face decoder's
 * gives them back for its memory; before every minibatch, because an executor may have trained the other network
 * before (a pipeline trains the decoder, then the encoder, in the same executors), and a call that changes nothing
 * costs nothing measurable. After each of the decoder's minibatches, DL4J's activation-gradient workspaces go back
 * ({@link EpsilonWorkspaces}), which would otherwise hold their largest size through every later step's peak.
 */
final class TrainingMemoryHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    private final DataLayout.Net net;

    TrainingMemoryHook(DataLayout.Net net) {
        this.net = net;
    }

    private void apply() {
        if (net == DataLayout.Net.ENCODER) {
            NativeHeap.forEncoderTraining();
        } else {
            NativeHeap.asConfigured();
        }
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        apply();
    }

    private void after() {
        if (net == DataLayout.Net.DECODER) {
            EpsilonWorkspaces.release();
        }
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        after();
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        apply();
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        after();
    }
}
