package org.speech2face.jobs.train;

import java.util.function.Supplier;

import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.Provenance;
import org.speech2face.model.loss.LossTerms;
import org.speech2face.model.networks.ModelProfile;

/**
 * What one training job trains: the net and its variant, which name its checkpoint and metrics folders; the loss
 * terms it reports; the layer whose Adam learning rate is reported; the provenance its checkpoints record (a
 * checkpoint trained against other artefacts is not resumed); and how to build fresh weights.
 */
record TrainingTarget(DataLayout.Net net, String variant, ModelProfile profile, LossTerms terms,
                      String learningRateLayer, Provenance provenance, Supplier<ComputationGraph> fresh) {

    /** The variant as checkpoint metadata names it: {@code decoder}, or {@code encoder/<variant id>}. */
    String metadataVariant() {
        return net == DataLayout.Net.DECODER ? net.dir() : net.dir() + "/" + variant;
    }

    Path checkpointDir(DataLayout layout) {
        return layout.checkpoints(net, variant);
    }

    Path metricsDir(DataLayout layout) {
        return layout.metrics(net, variant);
    }
}
