package org.speech2face.jobs.ingest;

import org.apache.spark.sql.Row;
import org.speech2face.data.AvSpeechSegment;
import org.speech2face.data.RejectException;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * The per-clip work of an ingest stage: a local media file and a segment in, one output row out. Created once per
 * partition by its {@link Factory}, on the executor, so native resources (FFmpeg, OpenCV, FFT plans) are built
 * where they are used and never serialised.
 */
public interface SegmentProcessor extends AutoCloseable {

    /** Builds the output row; a bad clip throws {@link RejectException} with its reason. */
    Row process(AvSpeechSegment segment, String split, Path localMedia) throws RejectException;

    @Override
    default void close() {
    }

    /** Serialisable recipe for a processor, shipped to executors inside the task. */
    interface Factory extends Serializable {
        SegmentProcessor create();
    }
}
