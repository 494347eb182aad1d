package org.speech2face.config;

/**
 * A condition that ties two or more keys together (e.g. the FFT is at least one window long). Checked after each key
 * has passed its own bounds; its {@code statement} goes into the reference as written.
 *
 * @param statement the rule in one line, for {@code docs/configuration.md}
 * @param check     returns the sentence to print when the rule is broken, or null when it holds
 */
record ConfigRule(String statement, Check check) {

    /** The test of one rule over values already read through their keys. */
    interface Check {
        String violation(Settings s);
    }

    void enforce(Settings s) {
        String v = check.violation(s);
        if (v != null) {
            throw new ConfigError(v);
        }
    }
}
