package org.speech2face.jobs.models;

import java.util.Optional;

import org.speech2face.config.S2fConfig;

/**
 * A stage that, with some settings, runs face-api's pretrained networks. The s2f command asks every stage of a run
 * before Spark starts and fetches the models into {@code models.dir} when one does, so that a missing model is one
 * sentence at start-up (or a download once), not a failure in the middle of a pipeline.
 */
public interface FaceApiUser {
    /** What uses the networks under {@code config}, e.g. {@code ingest.faces.detector = ssd-mobilenet}; empty if none. */
    Optional<String> faceApiUse(S2fConfig config);
}
