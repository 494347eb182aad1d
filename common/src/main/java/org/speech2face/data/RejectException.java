package org.speech2face.data;

import org.speech2face.contracts.RejectReason;
import java.util.Objects;

/**
 * A record-level failure that must be written to {@code rejects/} rather than fail the job. Thrown by the audio,
 * video and parsing code, caught by the jobs; the message is a whole sentence naming the bad value.
 */
public final class RejectException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RejectReason reason;

    public RejectException(RejectReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RejectException(RejectReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RejectReason reason() {
        return reason;
    }
}
