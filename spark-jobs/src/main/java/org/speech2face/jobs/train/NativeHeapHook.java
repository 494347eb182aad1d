package org.speech2face.jobs.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.speech2face.contracts.DataLayout;
import org.speech2face.model.layers.NativeHeap;

/**
 * Sets glibc's buffer thresholds the trained network wants ({@link NativeHeap}) in the JVM that fits each minibatch:
 * the speech encoder's step keeps its 8-32 MB buffers for reuse, the face decoder's gives them back for its memory.
 * Before every minibatch, because an executor may have trained the other network before (a pipeline trains the
 * decoder, then the encoder, in the same executors); a call that changes nothing costs nothing measurable.
 */
final class NativeHeapHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    private final DataLayout.Net net;

    NativeHeapHook(DataLayout.Net net) {
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

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        // nothing after the update
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        apply();
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        // nothing after the update
    }
}
