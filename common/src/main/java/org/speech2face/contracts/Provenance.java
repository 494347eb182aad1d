package org.speech2face.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a trained model was made from, recorded in its checkpoint so that a later stage can tell whether the model
 * still belongs to the data beside it (after Tribuo's provenance): which stage produced it, and the ids of the
 * artefacts it was trained against. A run that would train against other artefacts does not resume the checkpoint;
 * evaluate and generate refuse or flag a model whose artefacts are gone.
 *
 * @param producer    the stage that trained it ({@link Stage#id()})
 * @param vggface     the face features it was trained on: a face_features {@code vggface_id}, which names the feature
 *                    network and its weights ({@link FeatureNetwork}), e.g. {@code random:42/tiny} (VGGFace) or
 *                    {@code dlib-resnet128:b413e420d6840b27/tiny}; the field keeps its first name so that every
 *                    saved checkpoint reads as it is
 * @param decoder     for an encoder, the decoder frozen in its loss ({@code epoch-NNNN:<fingerprint of DFc1>})
 * @param priors      for an encoder, the priors it fused ({@link VariantPriors#ids}, e.g. {@code neutral@10000})
 * @param genderModel for an encoder of a gendered variant, the gender model that picked its clips
 * @param codeVersion the project version that trained it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Provenance(String producer, String vggface, String decoder, String priors, String genderModel,
                         String codeVersion) implements Serializable {

    public Provenance {
        Objects.requireNonNull(producer, "A checkpoint's provenance names the stage that produced it.");
    }

    /** A decoder's: trained by train-decoder on the features of {@code vggface}. */
    public static Provenance decoder(String vggface, String codeVersion) {
        return new Provenance(Stage.TRAIN_DECODER.id(), vggface, null, null, null, codeVersion);
    }

    /** An encoder's: trained by train-encoder on {@code vggface}'s features against a decoder, priors and gender model. */
    public static Provenance encoder(String vggface, String decoder, String priors, String genderModel,
                                     String codeVersion) {
        return new Provenance(Stage.TRAIN_ENCODER.id(), vggface, decoder, priors, genderModel, codeVersion);
    }

    /**
     * Reads the metadata of checkpoints written before provenance was typed (until 2026-12-03): a map of
     * {@code vggface}, {@code decoder}, {@code priors} and {@code gender_model} ids; the producer follows from the
     * variant.
     */
    static Provenance fromLegacy(String variant, Map<String, String> weightsIds) {
        Map<String, String> ids = weightsIds == null ? Map.of() : weightsIds;
        String producer = variant != null && variant.startsWith("encoder") ? Stage.TRAIN_ENCODER.id()
                : Stage.TRAIN_DECODER.id();
        return new Provenance(producer, ids.get("vggface"), ids.get("decoder"), ids.get("priors"),
                ids.get("gender_model"), null);
    }

    /**
     * Why a model of this provenance is not one trained against {@code now}'s artefacts, one sentence part per
     * difference (e.g. {@code vggface random:7/tiny, not random:42/tiny}); empty when it is. The producer and the code
     * version are not compared: a newer build resumes an older checkpoint.
     */
    public List<String> differencesFrom(Provenance now) {
        List<String> out = new ArrayList<>();
        compare(out, "vggface", vggface, now.vggface);
        compare(out, "decoder", decoder, now.decoder);
        compare(out, "priors", priors, now.priors);
        compare(out, "gender model", genderModel, now.genderModel);
        return out;
    }

    private static void compare(List<String> out, String what, String then, String now) {
        if (now != null && !now.equals(then)) {
            out.add(what + " " + then + ", not " + now);
        }
    }
}
