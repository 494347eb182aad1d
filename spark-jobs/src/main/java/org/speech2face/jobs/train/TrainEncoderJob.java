package org.speech2face.jobs.train;

import org.speech2face.jobs.StageRefusal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.contracts.Provenance;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.models.TrainedModels;
import org.speech2face.jobs.report.Versions;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.model.networks.FaceDecoder;
import org.speech2face.model.loss.LossTerms;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.SpeechEncoder;
import org.speech2face.model.networks.TrainingGraphs;
import org.speech2face.contracts.CheckpointMetadata;
import org.speech2face.model.io.Checkpoints;

/**
 * {@code train-encoder}: the speech encoder SE (Table 3) of the variant {@code encoder.prior} / {@code encoder.fusion}
 * names, on (spectrogram, Ff) pairs of the train split, with the tri-item loss (eq. 7) holding the trained
 * decoder's first layer (DFc1) and VGGFace's fc8 (VFc3) frozen. The decoder comes from the newest checkpoint of
 * train-decoder that loads; without one this job stops and says to run train-decoder first. Checkpoints go to
 * {@code models/encoder/<variant>/epoch-NNNN/}, metrics to {@code metrics/encoder/<variant>/}.
 */
public final class TrainEncoderJob extends TrainingJob {
    @Override
    public String name() {
        return "train-encoder";
    }

    @Override
    public String summary() {
        return "speech encoder of encoder.prior/encoder.fusion, decoder frozen in the loss, resumable -> models/encoder/";
    }

    @Override
    protected List<Counter> exampleCounters() {
        return List.of(EncoderExamples.Counts.values());
    }

    @Override
    protected Prepared prepare(JobContext ctx, ModelProfile profile) throws IOException {
        EncoderVariant variant = ctx.config().training().encoderVariant();
        Vgg vgg = vggFace(ctx, profile, false);
        Decoder decoder = decoder(ctx, profile, vgg.featureId());
        EncoderPriors priors = EncoderPriors.read(ctx, variant, vgg.featureId());
        EncoderExamples.Read read = EncoderExamples.read(ctx, vgg.featureId(), variant, priors, profile, vgg.dim());
        Provenance provenance = Provenance.encoder(vgg.featureId(), decoder.id(), priors.ids(), read.genderModel(),
                Versions.s2f());
        long seed = ctx.config().training().seed();
        TrainingTarget target = new TrainingTarget(DataLayout.Net.ENCODER, variant.id(), profile, LossTerms.ENCODER,
                SpeechEncoder.FC2, provenance, () -> fresh(profile, variant, seed, decoder.graph(), vgg));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("vggface", provenance.vggface());
        figures.put("decoder", provenance.decoder());
        figures.put("priors", provenance.priors());
        figures.put("gender_model", provenance.genderModel());
        figures.put("prior", variant.prior().id());
        figures.put("fusion", variant.fusion().id());
        List<String> notes = new ArrayList<>();
        notes.add(vgg.network() == FeatureNetwork.DLIB_RESNET128
                ? "DFc1 is frozen from " + decoder.location() + "; Ff is dlib's descriptor (" + vgg.featureId()
                + "), which has no identity classifier, so the tri-item loss has no VFc3 term (weight 0)."
                : "DFc1 is frozen from " + decoder.location() + "; VFc3 is fc8 of " + vgg.featureId() + ".");
        return new Prepared(target, read.examples(), figures, notes);
    }

    /** The trained decoder the loss freezes, and an id of its DFc1. */
    private record Decoder(ComputationGraph graph, String id, String location) {
    }

    private static Decoder decoder(JobContext ctx, ModelProfile profile, String featureId) throws IOException {
        Path dir = ctx.layout().decoderCheckpoints();
        Checkpoints checkpoints = new Checkpoints(dir.toString(), ctx.hadoopConf());
        Checkpoints.Latest latest = checkpoints.loadLatest();
        if (latest.loaded().isEmpty()) {
            throw new StageRefusal("There is no trained face decoder under " + dir + (latest.skipped().isEmpty()
                    ? "" : " that loads (" + String.join(" ", latest.skipped()) + ")") + "; run train-decoder first "
                    + "(train-encoder freezes the decoder's first layer inside its loss).");
        }
        Checkpoints.Loaded loaded = latest.loaded().get();
        CheckpointMetadata meta = loaded.metadata();
        String trainedOn = meta.provenance().vggface();
        if (!profile.id().equals(meta.profile()) || !featureId.equals(trainedOn)) {
            throw new StageRefusal("The face decoder " + loaded.location() + " was trained on " + trainedOn
                    + " features (" + meta.profile() + " profile), but this run uses " + featureId + "; run "
                    + "train-decoder with overwrite=true first.");
        }
        return new Decoder(loaded.graph(), TrainedModels.decoderId(meta.epoch(), loaded.graph()), loaded.location());
    }

    /** SE's training graph with fresh seeded weights and the frozen DFc1 and VFc3 in its loss. */
    private static ComputationGraph fresh(ModelProfile profile, EncoderVariant variant, long seed, ComputationGraph decoder,
                                          Vgg vgg) {
        ComputationGraph g = new ComputationGraph(TrainingGraphs.encoder(profile, variant.fusion(), vgg.network(),
                Networks.paperAdam(), DataType.FLOAT, seed));
        g.init();
        if (vgg.network() == FeatureNetwork.DLIB_RESNET128) {
            TrainingGraphs.loadFrozenDecoderLayer(g, decoder);
        } else {
            TrainingGraphs.loadFrozenLossLayers(g, decoder, vgg.graph());
        }
        return g;
    }
}
