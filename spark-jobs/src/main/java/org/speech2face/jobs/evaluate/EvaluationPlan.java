package org.speech2face.jobs.evaluate;

import org.speech2face.jobs.StageRefusal;
import org.speech2face.contracts.VoiceGender;
import org.speech2face.jobs.models.TrainedModels;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.speech2face.config.EvaluateSettings;
import org.speech2face.contracts.DataLayout;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.io.DeltaTables;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.jobs.models.FaceApiFiles;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.contracts.PriorSelection;
import org.speech2face.contracts.VariantPriors;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.lit;

/**
 * What one evaluate run scores, decided on the driver before any task starts: the decoder checkpoint and the
 * feature network it was trained against (which picks the features, priors and encoders that can be compared with
 * it), the usable encoder variants, the priors, the attribute recognisers, face-api's networks for the independent
 * recogniser and the test clips.
 *
 * @param vggfaceId the feature id of the decoder's features (VGGFace's or dlib's)
 * @param faceApi   face-api's networks as shipped to the executors; null in a dry run
 * @param models    Table 4's models in order: original (the real faces: the recognisers and the retrieval gallery),
 *                  face-to-face, prior-only (when priors/ holds the male and female priors), then the variants
 */
record EvaluationPlan(TrainedModels.Ref decoder, String vggfaceId, Map<String, TrainedModels.Ref> encoders,
                      VariantPriors priors, List<FaceAttributeRecogniser> recognisers, FaceApiFiles faceApi,
                      List<String> models, Dataset<Row> testClips) {

    /** What evaluate uses face-api's networks for, under {@code config}. */
    static String faceApiUse(EvaluateSettings es) {
        return "evaluate (the independent recogniser, dlib's face descriptor"
                + (es.recogniser() == EvaluateSettings.Recogniser.FACE_API
                ? "; Tables 5 and 6, the age and gender network)" : ")");
    }

    static EvaluationPlan make(JobContext ctx, RunReport report) throws IOException {
        DataLayout layout = ctx.layout();
        TrainedModels.Ref decoder = TrainedModels.decoder(layout, ctx.hadoopConf(), ClipScorer.DECODER_KIND);
        String vggfaceId = decoder.vggfaceId();
        if (vggfaceId == null) {
            throw new StageRefusal("The decoder checkpoint " + decoder.location() + " does not say which VGGFace "
                    + "weights it was trained against (no vggface in its provenance), so its "
                    + "features cannot be matched; retrain it with train-decoder.");
        }
        report.headline("decoder_epoch", decoder.epoch()).figure("decoder", decoder.location())
                .figure("vggface_id", vggfaceId).figure("profile", decoder.profile());
        if (!decoder.profile().equals(ctx.config().profile().name().toLowerCase(java.util.Locale.ROOT))) {
            report.note("The decoder was trained with the " + decoder.profile() + " profile while model.profile is "
                    + ctx.config().profile().name().toLowerCase(java.util.Locale.ROOT) + "; evaluated as trained.");
        }
        EvaluateSettings es = ctx.config().evaluate();
        FaceApiFiles faceApi = ctx.dryRun() ? null : FaceApiFiles.ship(ctx, faceApiUse(es));
        Path priorsDir = layout.dataset(DataLayout.PRIORS);
        PriorSelection selected = DeltaTables.exists(ctx.spark(), priorsDir)
                ? EvaluationInputs.priors(ctx, vggfaceId) : PriorSelection.NONE;
        VariantPriors priors = selected.variantPriors();
        TrainedModels.Encoders found = TrainedModels.encoders(layout, ctx.hadoopConf(), ClipScorer.ENCODER_KIND);
        found.ignored().forEach(name -> report.note("models/encoder/" + name + " is not an encoder variant id; ignored."));
        Map<String, TrainedModels.Ref> encoders = new LinkedHashMap<>();
        found.trained().forEach((v, ref) -> usable(v, ref, decoder, selected, report)
                .ifPresent(id -> encoders.put(id, ref)));
        if (encoders.isEmpty()) {
            report.note("No trained speech encoder can be evaluated (run train-encoder): Table 4 has the "
                    + "Face-to-Face and prior-only rows only.");
        }
        report.figure("variants", String.join(", ", encoders.keySet()));

        List<FaceAttributeRecogniser> recognisers = new ArrayList<>();
        Dataset<Row> genderLabels;
        boolean genderLabelled = true;
        try {
            genderLabels = EvaluationInputs.genderLabels(ctx);
        } catch (IllegalArgumentException e) {
            report.note("Table 5 is not available: " + e.getMessage());
            genderLabelled = false;
            genderLabels = ctx.spark().emptyDataFrame().select(lit(null).cast("string").as("g_youtube_id"),
                    lit(null).cast("string").as("gender_label"));
        }
        if (es.ageLabels() == null) {
            report.note("Table 6 is not available: no age labels are configured (evaluate.age-labels = none); the "
                    + "bundled sample has only gender labels.");
        }
        Dataset<Row> ageLabels = EvaluationInputs.ageLabels(ctx);
        if (ctx.dryRun()) {
            report.note("Dry run: the attribute recognisers are not prepared.");
        } else if (es.recogniser() == EvaluateSettings.Recogniser.FACE_API) {
            if (genderLabelled) {
                recognisers.add(FaceApiRecogniser.gender(faceApi));
            }
            if (es.ageLabels() != null) {
                recognisers.add(FaceApiRecogniser.age(faceApi));
            }
            recognisers.forEach(r -> report.note("Recogniser " + r.description() + "."));
        } else {
            if (genderLabelled) {
                recogniser(ctx, vggfaceId, genderLabels, "g_youtube_id", "gender_label", "gender",
                        List.of(VoiceGender.MALE, VoiceGender.FEMALE), es, report).ifPresent(recognisers::add);
            }
            if (es.ageLabels() != null) {
                recogniser(ctx, vggfaceId, ageLabels, "a_youtube_id", "age_label", "age", AgeLabels.GROUPS, es,
                        report).ifPresent(recognisers::add);
            }
        }
        List<String> models = new ArrayList<>();
        models.add(ClipScores.ORIGINAL);
        models.add(ClipScores.FACE_TO_FACE);
        if (priors.supports(ClipScorer.BY_GENDER)) {
            models.add(ClipScores.PRIOR_ONLY);
        } else {
            report.note("No prior-only row: priors/ holds no male and female prior of " + vggfaceId
                    + " (run face-prior).");
        }
        models.addAll(encoders.keySet());
        Dataset<Row> clips = EvaluationInputs.testClips(ctx, vggfaceId, genderLabels, ageLabels);
        return new EvaluationPlan(decoder, vggfaceId, encoders, priors, List.copyOf(recognisers), faceApi,
                List.copyOf(models), clips);
    }

    /** The checkpoint of each model: the decoder's for the two rows without an encoder. */
    Map<String, TrainedModels.Ref> refs() {
        Map<String, TrainedModels.Ref> refs = new LinkedHashMap<>(encoders);
        refs.put(ClipScores.FACE_TO_FACE, decoder);
        refs.put(ClipScores.PRIOR_ONLY, decoder);
        refs.put(ClipScores.ORIGINAL, decoder);
        return refs;
    }

    /** The variant's id if it can be compared with the decoder's features and has its priors; else a note. */
    private static Optional<String> usable(EncoderVariant v, TrainedModels.Ref ref, TrainedModels.Ref decoder,
                                           PriorSelection selected, RunReport report) {
        String why = TrainedModels.unusable(v, ref, decoder, selected.variantPriors());
        if (why != null) {
            report.note("Encoder variant " + v.id() + " (" + ref.location() + ") " + why + "; it is not evaluated.");
            return Optional.empty();
        }
        report.figure("epoch_" + v.id(), ref.epoch());
        if (ref.decoderId() != null && !ref.decoderId().equals(decoder.decoderId())) {
            report.note("Encoder variant " + v.id() + " was trained with the decoder " + ref.decoderId() + " frozen in "
                    + "its loss; the newest decoder is " + decoder.decoderId() + ", and its primed columns use that one.");
        }
        String trainedWith = ref.provenance().priors();
        String now = selected.ids(v.prior());
        if (trainedWith != null && !trainedWith.equals(now)) {
            report.note("Encoder variant " + v.id() + " was trained with the priors " + trainedWith + "; priors/ now "
                    + "holds " + now + " (face-prior ran again since), and it is scored with those.");
        }
        return Optional.of(v.id());
    }

    private static Optional<FaceAttributeRecogniser> recogniser(JobContext ctx, String vggfaceId, Dataset<Row> labels,
                                                                String idColumn, String labelColumn, String attribute,
                                                                List<String> groups, EvaluateSettings es,
                                                                RunReport report) {
        ctx.spark().sparkContext().setJobDescription("evaluate: train the " + attribute + " recogniser");
        Optional<LogisticAttributeRecogniser> r = LogisticAttributeRecogniser.train(
                EvaluationInputs.labelledTrainFaces(ctx, vggfaceId, labels, idColumn, labelColumn), attribute, groups,
                es.recogniserMaxIter(), es.recogniserRegParam(), vggfaceId);
        if (r.isEmpty()) {
            report.note("No " + attribute + " recogniser: the train split's labelled faces do not cover two of "
                    + groups + ", so the " + attribute + " table is not available.");
        } else {
            report.note("Recogniser " + r.get().description() + ".");
        }
        return r.map(x -> x);
    }
}
