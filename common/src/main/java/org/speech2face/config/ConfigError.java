package org.speech2face.config;

/**
 * A configuration mistake, with a one-line message that names the key, the bad value and where it came from. The
 * launcher prints the message alone (no stack trace): the user's fix is in their config, not in our code.
 */
public final class ConfigError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigError(String message) {
        super(message);
    }

    public ConfigError(String message, Throwable cause) {
        super(message, cause);
    }
}
