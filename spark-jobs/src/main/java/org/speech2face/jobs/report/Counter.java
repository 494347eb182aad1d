package org.speech2face.jobs.report;

import java.util.Locale;

/**
 * A count a stage reports, declared by the stage as an enum implementing this interface, so that a report can refuse
 * a name its stage does not count: a test that reads a misspelt or removed counter fails instead of reading zero.
 */
public interface Counter {
    /** The enum constant's name. */
    String name();

    /** The name in reports and summary lines, e.g. {@code rows_in}. */
    default String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
