package org.speech2face.data;

import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * The one number syntax users may write, in CSV rows and in config values: optional sign, digits with an optional
 * fraction, an optional decimal exponent ({@code 12}, {@code -0.5}, {@code .25}, {@code 1e-05}). Java's own parser
 * also takes {@code 1f}, {@code 0x1p1}, {@code Infinity} and {@code NaN}, none of which a spreadsheet or a person
 * means as a time or a fraction, so they are refused here rather than turned into surprising values.
 */
public final class PlainDecimal {
    private static final Pattern SYNTAX =
            Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?");

    private PlainDecimal() {
    }

    /** The value of {@code text} (surrounding blanks ignored), or empty when it is not a plain finite decimal. */
    public static OptionalDouble parse(String text) {
        String t = text == null ? "" : text.strip();
        if (!SYNTAX.matcher(t).matches()) {
            return OptionalDouble.empty();
        }
        double v = Double.parseDouble(t);
        return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
    }

    /** Whether {@code text} is written as a whole number: digits with an optional sign and nothing else. */
    public static boolean isWholeNumber(String text) {
        return text != null && text.strip().matches("[+-]?[0-9]+");
    }
}
