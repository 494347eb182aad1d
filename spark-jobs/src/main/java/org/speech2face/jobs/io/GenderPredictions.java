package org.speech2face.jobs.io;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.contracts.Stage;
import org.speech2face.jobs.JobContext;
import org.speech2face.model.io.GenderModelStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * The voice gender of each clip as the later stages use it: the rows of gender/ made by the gender model saved now
 * (rows of an older model are stale and ignored), or every row when no model is saved.
 *
 * @param rows    {@code clip_id, predicted}
 * @param modelId the gender model's id, or {@link #ANY} when no model is saved
 */
public record GenderPredictions(Dataset<Row> rows, String modelId) {
    /** What the model id is when gender/ is read without a saved model to match. */
    public static final String ANY = "any";

    /**
     * gender/ of the current model; an error naming {@code neededFor} and the stage to run when gender/ does not
     * exist (or no rows in a dry run).
     */
    public static GenderPredictions current(JobContext ctx, String runFirst) {
        Dataset<Row> rows = SourceDataset.read(ctx, DataLayout.GENDER, GenderDataset.SCHEMA, runFirst);
        Optional<String> model = modelId(ctx);
        if (model.isPresent()) {
            rows = rows.filter(col("gender_model_id").equalTo(model.get()));
        }
        return new GenderPredictions(rows.select("clip_id", "predicted"), model.orElse(ANY));
    }

    /** gender/ of the current model as {@link #current}, from the default producer: predict-gender. */
    public static GenderPredictions current(JobContext ctx) {
        return current(ctx, Stage.PREDICT_GENDER.id());
    }

    /** The id of the gender model saved under {@link DataLayout#genderModel()}, if any. */
    public static Optional<String> modelId(JobContext ctx) {
        try {
            return GenderModelStore.modelId(ctx.layout().genderModel(), ctx.hadoopConf());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the gender model's metadata under "
                    + ctx.layout().genderModel() + ".", e);
        }
    }
}
