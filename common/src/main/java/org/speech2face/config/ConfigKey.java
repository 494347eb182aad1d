package org.speech2face.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.speech2face.data.PlainDecimal;
import org.speech2face.data.YoutubeId;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One configuration key: its path, the kind of value it holds and the only statement of the values it accepts. The
 * loader reads every value through its key ({@link ConfigKeys}), and the reference in {@code docs/configuration.md}
 * is printed from the same objects, so a bound and its documentation cannot disagree. Code that receives the typed
 * value trusts it and does not check it again.
 *
 * @param <T> the typed value
 */
public sealed interface ConfigKey<T> {

    /** The dotted path, e.g. {@code training.epochs}. */
    String path();

    /** What a value must be, as the end of "must be ...": kind and bounds, e.g. "a whole number from 1 to 50". */
    String expectation();

    /** The kind alone, for the reference's type column. */
    String type();

    /** The accepted values alone, for the reference's bounds column ("1 to 50", "(0, 1]", "tiny, paper"). */
    String allowed();

    /**
     * The typed value of {@code v} (null when the key is unset or null).
     *
     * @throws Invalid with the offending value as the user wrote it, when {@code v} is not one of the allowed values
     */
    T parse(ConfigValue v) throws Invalid;

    /** A value outside a key's bounds; {@link Settings} makes it a sentence naming the key and where it was set. */
    final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String got) {
            super(got);
        }

        /** The offending value as written, e.g. {@code 3.7} or {@code 'abc'}. */
        String got() {
            return getMessage();
        }
    }

    /** A whole number in [min, max]; a fraction, a non-number or a number in Java-only syntax is refused. */
    record Int(String path, int min, int max) implements ConfigKey<Integer> {
        @Override
        public String type() {
            return "integer";
        }

        @Override
        public String allowed() {
            return max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max;
        }

        @Override
        public String expectation() {
            return "a whole number " + (max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max);
        }

        @Override
        public Integer parse(ConfigValue v) throws Invalid {
            long n = wholeNumber(v);
            if (n < min || n > max) {
                throw new Invalid(String.valueOf(n));
            }
            return (int) n;
        }
    }

    /** Any whole number that fits 64 bits: seeds. */
    record Long64(String path) implements ConfigKey<Long> {
        @Override
        public String type() {
            return "integer (64-bit)";
        }

        @Override
        public String allowed() {
            return "any";
        }

        @Override
        public String expectation() {
            return "a whole number (64-bit)";
        }

        @Override
        public Long parse(ConfigValue v) throws Invalid {
            return wholeNumber(v);
        }
    }

    /** A finite decimal in an interval; each end is open (excluded) or closed (included). */
    record Decimal(String path, double lo, boolean loOpen, double hi, boolean hiOpen) implements ConfigKey<Double> {
        @Override
        public String type() {
            return "number";
        }

        @Override
        public String allowed() {
            return (loOpen ? "(" : "[") + plain(lo) + ", " + plain(hi) + (hiOpen ? ")" : "]");
        }

        @Override
        public String expectation() {
            return "a number in " + allowed();
        }

        @Override
        public Double parse(ConfigValue v) throws Invalid {
            double d;
            if (v != null && v.valueType() == ConfigValueType.NUMBER) {
                d = ((Number) v.unwrapped()).doubleValue();
            } else if (v != null && v.valueType() == ConfigValueType.STRING) {
                OptionalDouble p = PlainDecimal.parse((String) v.unwrapped());
                if (p.isEmpty()) {
                    throw new Invalid(shown(v));
                }
                d = p.getAsDouble();
            } else {
                throw new Invalid(shown(v));
            }
            boolean aboveLo = loOpen ? d > lo : d >= lo;
            boolean belowHi = hiOpen ? d < hi : d <= hi;
            if (!(Double.isFinite(d) && aboveLo && belowHi)) {
                throw new Invalid(shown(v));
            }
            return d;
        }

        private static String plain(double x) {
            return x == Math.rint(x) && Math.abs(x) < 1e15 ? String.valueOf((long) x) : String.valueOf(x);
        }
    }

    /** {@code true} or {@code false}, nothing else. */
    record Bool(String path) implements ConfigKey<Boolean> {
        @Override
        public String type() {
            return "boolean";
        }

        @Override
        public String allowed() {
            return "true, false";
        }

        @Override
        public String expectation() {
            return "true or false";
        }

        @Override
        public Boolean parse(ConfigValue v) throws Invalid {
            if (v != null && v.valueType() == ConfigValueType.BOOLEAN) {
                return (Boolean) v.unwrapped();
            }
            if (v != null && v.valueType() == ConfigValueType.STRING) {
                String s = ((String) v.unwrapped()).strip();
                if (s.equals("true") || s.equals("false")) {
                    return Boolean.parseBoolean(s);
                }
            }
            throw new Invalid(shown(v));
        }
    }

    /** A non-empty string. */
    record Text(String path) implements ConfigKey<String> {
        @Override
        public String type() {
            return "string";
        }

        @Override
        public String allowed() {
            return "not empty";
        }

        @Override
        public String expectation() {
            return "a non-empty string";
        }

        @Override
        public String parse(ConfigValue v) throws Invalid {
            return text(v);
        }
    }

    /**
     * A path or URI. Kept as written when it has a scheme ({@code hdfs:}, {@code s3a:}, {@code file:}), made absolute
     * against the working directory otherwise, so executors on other machines never see a relative path. With
     * {@code noneAllowed}, the word {@code none} means "not given" and reads as null.
     */
    record Location(String path, boolean noneAllowed) implements ConfigKey<String> {
        private static final Pattern HAS_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

        @Override
        public String type() {
            return "location";
        }

        @Override
        public String allowed() {
            return "a path or URI" + (noneAllowed ? ", or none" : "");
        }

        @Override
        public String expectation() {
            return allowed();
        }

        @Override
        public String parse(ConfigValue v) throws Invalid {
            String s = text(v).strip();
            if (noneAllowed && s.equalsIgnoreCase("none")) {
                return null;
            }
            return absolute(s);
        }

        static String absolute(String s) {
            if (HAS_SCHEME.matcher(s).matches()) {
                return s;
            }
            return new File(s).toPath().toAbsolutePath().normalize().toUri().toString().replaceAll("/$", "");
        }
    }

    /**
     * VGGFace's weights: {@code random:<seed>} or the location of a {@code .zip} (DL4J zoo) or {@code .h5}
     * (keras-vggface) file.
     */
    record Weights(String path) implements ConfigKey<String> {
        @Override
        public String type() {
            return "weights";
        }

        @Override
        public String allowed() {
            return "random:<seed>, or a path or URI ending in .zip, .h5 or .hdf5";
        }

        @Override
        public String expectation() {
            return "random:<seed> (a whole number) or the location of a .zip (DL4J zoo) or .h5 (Keras) file";
        }

        @Override
        public String parse(ConfigValue v) throws Invalid {
            String s = text(v).strip();
            if (s.startsWith("random:")) {
                if (!PlainDecimal.isWholeNumber(s.substring("random:".length()))) {
                    throw new Invalid(shown(v));
                }
                try {
                    return "random:" + Long.parseLong(s.substring("random:".length()).strip());
                } catch (NumberFormatException e) {
                    throw new Invalid(shown(v));
                }
            }
            String lower = s.toLowerCase(Locale.ROOT);
            if (!(lower.endsWith(".zip") || lower.endsWith(".h5") || lower.endsWith(".hdf5"))) {
                throw new Invalid(shown(v));
            }
            return Location.absolute(s);
        }
    }

    /** One of a fixed list of words, matched without regard to case; the value read is the word as listed. */
    record Choice(String path, List<String> choices) implements ConfigKey<String> {
        public Choice {
            choices = List.copyOf(choices);
        }

        @Override
        public String type() {
            return "choice";
        }

        @Override
        public String allowed() {
            return String.join(", ", choices);
        }

        @Override
        public String expectation() {
            return "one of " + allowed();
        }

        @Override
        public String parse(ConfigValue v) throws Invalid {
            String s = text(v).strip();
            for (String c : choices) {
                if (c.equalsIgnoreCase(s)) {
                    return c;
                }
            }
            throw new Invalid(shown(v));
        }
    }

    /** One constant of an enum, written in lower case with '-' for '_' ({@code ADD_FC} is {@code add-fc}). */
    record OneOf<E extends Enum<E>>(String path, Class<E> constants) implements ConfigKey<E> {
        @Override
        public String type() {
            return "choice";
        }

        @Override
        public String allowed() {
            List<String> words = new ArrayList<>();
            for (E e : constants.getEnumConstants()) {
                words.add(word(e));
            }
            return String.join(", ", words);
        }

        @Override
        public String expectation() {
            return "one of " + allowed();
        }

        @Override
        public E parse(ConfigValue v) throws Invalid {
            String s = text(v).strip();
            for (E e : constants.getEnumConstants()) {
                if (word(e).equalsIgnoreCase(s)) {
                    return e;
                }
            }
            throw new Invalid(shown(v));
        }

        /** How the config spells a constant. */
        public static String word(Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A non-empty list of whole numbers in [min, max], optionally strictly ascending. */
    record IntList(String path, int min, int max, boolean ascending) implements ConfigKey<List<Integer>> {
        @Override
        public String type() {
            return "list of integers";
        }

        @Override
        public String allowed() {
            return "at least one; each " + (max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max)
                    + (ascending ? "; strictly ascending" : "");
        }

        @Override
        public String expectation() {
            return "a non-empty list of whole numbers, each " + (max == Integer.MAX_VALUE ? "at least " + min
                    : "from " + min + " to " + max) + (ascending ? ", strictly ascending" : "");
        }

        @Override
        public List<Integer> parse(ConfigValue v) throws Invalid {
            if (!(v instanceof ConfigList list) || list.isEmpty()) {
                throw new Invalid(shown(v));
            }
            List<Integer> out = new ArrayList<>();
            for (ConfigValue item : list) {
                long n;
                try {
                    n = wholeNumber(item);
                } catch (Invalid e) {
                    throw new Invalid(shown(v) + " (item " + e.got() + ")");
                }
                if (n < min || n > max) {
                    throw new Invalid(shown(v) + " (item " + n + ")");
                }
                if (ascending && !out.isEmpty() && n <= out.get(out.size() - 1)) {
                    throw new Invalid(shown(v) + " (" + n + " after " + out.get(out.size() - 1) + ")");
                }
                out.add((int) n);
            }
            return List.copyOf(out);
        }
    }

    /** A non-empty list of words that each match {@code pattern}, described for people by {@code what}. */
    record TextList(String path, String pattern, String what) implements ConfigKey<List<String>> {
        @Override
        public String type() {
            return "list of strings";
        }

        @Override
        public String allowed() {
            return "at least one; each " + what;
        }

        @Override
        public String expectation() {
            return "a non-empty list, each " + what;
        }

        @Override
        public List<String> parse(ConfigValue v) throws Invalid {
            if (!(v instanceof ConfigList list) || list.isEmpty()) {
                throw new Invalid(shown(v));
            }
            List<String> out = new ArrayList<>();
            for (ConfigValue item : list) {
                String s = text(item);
                if (!s.matches(pattern)) {
                    throw new Invalid(shown(v) + " (item '" + YoutubeId.printable(s) + "')");
                }
                out.add(s);
            }
            return List.copyOf(out);
        }
    }

    /** A section whose entries are passed through untouched (SparkConf), flattened to dotted names. */
    record Section(String path) implements ConfigKey<Map<String, String>> {
        @Override
        public String type() {
            return "section";
        }

        @Override
        public String allowed() {
            return "any entries; passed to Spark as they are";
        }

        @Override
        public String expectation() {
            return "a section of name = value entries";
        }

        @Override
        public Map<String, String> parse(ConfigValue v) throws Invalid {
            if (!(v instanceof ConfigObject o)) {
                throw new Invalid(shown(v));
            }
            Map<String, String> out = new TreeMap<>();
            for (Map.Entry<String, ConfigValue> e : o.toConfig().entrySet()) {
                out.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
            }
            return out;
        }
    }

    private static long wholeNumber(ConfigValue v) throws Invalid {
        if (v != null && v.valueType() == ConfigValueType.NUMBER) {
            Object n = v.unwrapped();
            // HOCON itself reads 3.0 and 1e3 as the whole numbers 3 and 1000 and keeps no trace of how they were
            // written; a fraction such as 3.7 stays a Double and is refused.
            if (n instanceof Integer || n instanceof Long) {
                return ((Number) n).longValue();
            }
            throw new Invalid(shown(v));
        }
        if (v != null && v.valueType() == ConfigValueType.STRING
                && PlainDecimal.isWholeNumber((String) v.unwrapped())) {
            try {
                return Long.parseLong(((String) v.unwrapped()).strip());
            } catch (NumberFormatException e) {
                throw new Invalid(shown(v)); // beyond 64 bits
            }
        }
        throw new Invalid(shown(v));
    }

    private static String text(ConfigValue v) throws Invalid {
        if (v != null && (v.valueType() == ConfigValueType.STRING || v.valueType() == ConfigValueType.NUMBER
                || v.valueType() == ConfigValueType.BOOLEAN)) {
            String s = String.valueOf(v.unwrapped());
            if (!s.isBlank()) {
                return s;
            }
        }
        throw new Invalid(shown(v));
    }

    /** A value as the user wrote it: strings quoted, numbers and lists as HOCON renders them. */
    static String shown(ConfigValue v) {
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            return "nothing (the key is unset or null)";
        }
        if (v.valueType() == ConfigValueType.STRING) {
            return "'" + YoutubeId.printable((String) v.unwrapped()) + "'";
        }
        if (v.valueType() == ConfigValueType.OBJECT) {
            return "a section " + v.render(ConfigRenderOptions.concise());
        }
        return v.render(ConfigRenderOptions.concise());
    }
}
