package org.speech2face.cli;

/**
 * A command that could not do its work for a reason the user can act on (a voice too short to use, no trained model
 * yet): s2f prints the message as one line and exits 1, without a stack trace.
 */
public final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
