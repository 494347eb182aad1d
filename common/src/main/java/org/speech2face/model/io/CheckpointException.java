package org.speech2face.model.io;

/** A checkpoint or weights file that cannot be used: missing, truncated, foreign, or for another model. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
