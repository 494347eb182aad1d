package org.speech2face.jobs.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.jobs.models.FaceApiUser;
import org.speech2face.contracts.Provenance;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.report.Versions;
import org.speech2face.model.networks.FaceDecoder;
import org.speech2face.model.loss.LossTerms;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainingGraphs;

/**
 * {@code train-decoder}: the face decoder FD (Table 2) on (Ff, face) pairs of the train split, with VGGFace frozen
 * inside its loss (image loss + cosine loss on VGGFace fc7, eq. 6; with {@code features.network = dlib-resnet128}
 * dlib's descriptor takes VGGFace's place), by DL4J parameter averaging across the executors. Checkpoints go to {@code models/decoder/default/epoch-NNNN/}, metrics to {@code metrics/decoder/default/}.
 * It is trained first: train-encoder freezes its first layer.
 */
public final class TrainDecoderJob extends TrainingJob implements FaceApiUser {
    @Override
    public String name() {
        return "train-decoder";
    }

    @Override
    public String summary() {
        return "face decoder on (fc7, face) pairs, Spark parameter averaging, resumable -> models/decoder/";
    }

    @Override
    protected List<Counter> exampleCounters() {
        return List.of(DecoderExamples.Counts.values());
    }

    @Override
    public Optional<String> faceApiUse(S2fConfig config) {
        return config.features().network() == FeatureNetwork.DLIB_RESNET128
                ? Optional.of(name() + " (features.network = dlib-resnet128: the descriptor frozen in the feature loss)")
                : Optional.empty();
    }

    @Override
    protected Prepared prepare(JobContext ctx, ModelProfile profile) {
        Vgg vgg = vggFace(ctx, profile, !ctx.dryRun());
        long seed = ctx.config().training().seed();
        ExampleSet examples = DecoderExamples.read(ctx, vgg.featureId(), profile, vgg.dim());
        TrainingTarget target = new TrainingTarget(DataLayout.Net.DECODER, DataLayout.DECODER_VARIANT, profile,
                LossTerms.DECODER, FaceDecoder.FC1, Provenance.decoder(vgg.featureId(), Versions.s2f()),
                () -> fresh(profile, seed, vgg));
        List<String> notes = new ArrayList<>();
        if (vgg.network() == FeatureNetwork.DLIB_RESNET128) {
            notes.add("Ff is dlib's 128-D face descriptor (" + vgg.featureId() + "); the feature loss compares the "
                    + "descriptor of each generated face, by the same network frozen in the graph, with it.");
        }
        if (vgg.random()) {
            notes.add("VGGFace is " + vgg.featureId() + ", a randomly initialised network: the decoder learns to invert "
                    + "random features, and its feature loss compares random fc7s.");
        }
        return new Prepared(target, examples, Map.of("vggface_id", vgg.featureId(), "profile", profile.id()), notes);
    }

    /** FD's training graph with fresh seeded weights and the configured feature network frozen inside. */
    private static ComputationGraph fresh(ModelProfile profile, long seed, Vgg vgg) {
        ComputationGraph g = new ComputationGraph(TrainingGraphs.decoder(profile, vgg.network(), Networks.paperAdam(),
                DataType.FLOAT, seed));
        g.init();
        if (vgg.network() == FeatureNetwork.DLIB_RESNET128) {
            TrainingGraphs.loadFrozenDescriptor(g, vgg.descriptor());
        } else {
            TrainingGraphs.loadFrozenVggFace(g, vgg.graph());
        }
        return g;
    }
}
