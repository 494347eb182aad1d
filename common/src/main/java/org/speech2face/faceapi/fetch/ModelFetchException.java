package org.speech2face.faceapi.fetch;

/** The models could not be fetched or found; the message is a sentence for the user, naming what and why. */
public final class ModelFetchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFetchException(String message, Throwable cause) {
        super(message, cause);
    }

    public ModelFetchException(String message) {
        super(message);
    }
}
