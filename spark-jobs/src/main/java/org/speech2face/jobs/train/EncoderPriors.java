package org.speech2face.jobs.train;

import org.speech2face.jobs.StageRefusal;
import java.io.Serializable;
import java.util.List;

import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.contracts.PriorSelection;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.contracts.Stage;
import org.speech2face.contracts.VariantPriors;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.io.SourceDataset;

import static org.apache.spark.sql.functions.col;

/**
 * The prior face features an encoder variant fuses, chosen by {@link PriorSelection} among priors/ of the configured
 * VGGFace weights: neutral for {@code neutral}; male and female for {@code gender} (picked per clip by its predicted
 * gender); the one named for {@code male} / {@code female}.
 *
 * @param priors by prior name
 * @param ids    {@code name@n} of each, so a checkpoint records which priors it was trained with
 */
record EncoderPriors(VariantPriors priors, String ids) implements Serializable {

    static EncoderPriors read(JobContext ctx, EncoderVariant variant, String featureId) {
        List<String> names = VariantPriors.names(variant.prior());
        if (names.isEmpty()) {
            return new EncoderPriors(new VariantPriors(null, null, null), "none");
        }
        List<PriorSelection.Candidate> rows = SourceDataset.read(ctx, DataLayout.PRIORS, PriorsDataset.SCHEMA,
                        Stage.FACE_PRIOR.id())
                .filter(col("vggface_id").equalTo(featureId).and(col("name").isin(names.toArray())))
                .collectAsList().stream().map(PriorsDataset::candidate).toList();
        PriorSelection selected = PriorSelection.largest(rows, featureId);
        for (String name : names) {
            if (!selected.features().containsKey(name)) {
                throw new StageRefusal("priors/ under " + ctx.config().dataRoot() + " has no " + name
                        + " prior of the VGGFace features " + featureId + ", which the encoder variant "
                        + variant.id() + " needs; run face-prior first.");
            }
        }
        return new EncoderPriors(selected.variantPriors(), selected.ids(variant.prior()));
    }
}
