package org.speech2face.jobs.stage;

import org.speech2face.jobs.models.ExecutorModels;
import org.apache.spark.sql.Row;
import org.speech2face.data.RejectException;

import java.io.Serializable;
import java.util.List;

/**
 * The per-row work of a stage that runs a network: each planned row is decoded alone (a bad record becomes a reject
 * and never spoils a batch), then decoded rows go through the network a batch at a time. Created once per
 * partition by its {@link Factory}, on the executor; the network itself comes from {@link ExecutorModels}.
 *
 * @param <T> a decoded row, e.g. a face's pixels
 */
public interface BatchProcessor<T> extends AutoCloseable {

    /** Decodes one planned row; a bad record throws {@link RejectException} with its reason. */
    T prepare(Row planned) throws RejectException;

    /** The output rows of a batch, one per row and in the same order. A failure here is the stage's, not a row's. */
    List<Row> process(List<Row> planned, List<T> prepared);

    @Override
    default void close() {
    }

    /** Serialisable recipe for a processor, shipped to executors inside the task. */
    interface Factory<T> extends Serializable {
        BatchProcessor<T> create();
    }
}
