package org.speech2face.jobs.train;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.speech2face.data.DataLayout;
import org.speech2face.model.loss.LossTerms;
import org.speech2face.model.networks.ModelProfile;

/**
 * What one training job trains: the net ({@code decoder} or {@code encoder}) and its variant, which name its
 * checkpoint and metrics folders; the loss terms it reports; the layer whose Adam learning rate is reported; the
 * ids of the weights and data it is trained against (a checkpoint made against others is not resumed); and how
 * to build fresh weights.
 */
record TrainingTarget(String net, String variant, ModelProfile profile, LossTerms terms, String learningRateLayer,
                      Map<String, String> weightsIds, Supplier<ComputationGraph> fresh) {
    static final String DECODER = "decoder";
    static final String ENCODER = "encoder";
    /** The decoder has one variant. */
    static final String DEFAULT = "default";

    TrainingTarget {
        weightsIds = Map.copyOf(weightsIds);
    }

    /** The variant as checkpoint metadata names it: {@code decoder}, or {@code encoder/<variant id>}. */
    String metadataVariant() {
        return net.equals(DECODER) ? DECODER : ENCODER + "/" + variant;
    }

    /** {@code models/<net>/<variant>}. */
    Path checkpointDir(DataLayout layout) {
        return new Path(new Path(layout.dataset(DataLayout.MODELS), net), variant);
    }

    /** {@code metrics/<net>/<variant>}. */
    Path metricsDir(DataLayout layout) {
        return new Path(new Path(layout.dataset(DataLayout.METRICS), net), variant);
    }
}
