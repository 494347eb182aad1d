package org.speech2face.jobs;

/**
 * A stage that will not run on what the data root holds, for a reason the user can act on: a stage before it not
 * run yet, a checkpoint trained against other artefacts, a migration left half way. The message says what is there
 * and what to do; {@code s2f} prints it as one line and exits 1, without a stack trace. An
 * {@link IllegalStateException}, as these checks were before they had a type of their own.
 */
public final class StageRefusal extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public StageRefusal(String message) {
        super(message);
    }

    public StageRefusal(String message, Throwable cause) {
        super(message, cause);
    }
}
