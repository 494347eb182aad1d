package org.speech2face.jobs.train;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.speech2face.data.DataLayout;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.io.GenderDataset;
import org.speech2face.jobs.io.PriorsDataset;
import org.speech2face.jobs.priors.FacePriorJob;
import org.speech2face.jobs.stage.SourceDataset;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.contracts.VariantPriors;

import static org.apache.spark.sql.functions.col;

/**
 * The prior face features an encoder variant fuses: from priors/, of the configured VGGFace weights, for each prior
 * name the one over the most faces (the largest n face-prior computed). Neutral for {@code neutral}; male and
 * female for {@code gender} (picked per clip by its predicted gender); the one named for {@code male} / {@code female}.
 *
 * @param features by prior name
 * @param ids      {@code name@n} of each, so a checkpoint records which priors it was trained with
 */
record EncoderPriors(Map<String, float[]> features, String ids) implements Serializable {

    static EncoderPriors read(JobContext ctx, EncoderVariant variant, String featureId) {
        List<String> names = VariantPriors.names(variant.prior());
        if (names.isEmpty()) {
            return new EncoderPriors(Map.of(), "none");
        }
        List<Row> rows = SourceDataset.read(ctx, DataLayout.PRIORS, PriorsDataset.SCHEMA, "face-prior")
                .filter(col("vggface_id").equalTo(featureId).and(col("name").isin(names.toArray())))
                .collectAsList();
        Map<String, float[]> features = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String name : names) {
            Row best = rows.stream().filter(r -> name.equals(r.getAs("name")))
                    .max(java.util.Comparator.comparingInt(r -> r.<Integer>getAs("n"))).orElseThrow(() ->
                            new IllegalStateException("priors/ under " + ctx.config().dataRoot() + " has no " + name
                                    + " prior of the VGGFace features " + featureId + ", which the encoder variant "
                                    + variant.id() + " needs; run face-prior first."));
            features.put(name, PriorsDataset.feature(best));
            counts.put(name, best.getAs("n"));
        }
        return new EncoderPriors(features, VariantPriors.ids(variant.prior(), counts));
    }

    /** The prior of a clip whose voice was predicted {@code predicted} (ignored unless the prior is gender). */
    float[] forClip(EncoderVariant.Prior prior, String predicted) {
        return switch (prior) {
            case NONE -> null;
            case NEUTRAL -> features.get(FacePriorJob.NEUTRAL);
            case GENDER -> features.get(predicted);
            case MALE -> features.get(GenderDataset.MALE);
            case FEMALE -> features.get(GenderDataset.FEMALE);
        };
    }
}
