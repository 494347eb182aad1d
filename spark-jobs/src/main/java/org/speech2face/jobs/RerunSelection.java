package org.speech2face.jobs;

import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which rows a keyed stage redoes beyond its plain incremental rule (new rows and rows whose last reject is
 * retryable): {@code --retry-rejects} adds every rejected row; {@code --only KEYS} and {@code --where SQL} redo
 * exactly the rows they name, whatever their outcome, and leave the others as they are.
 */
public record RerunSelection(boolean retryRejects, List<String> only, String where) implements Serializable {
    public static final RerunSelection NONE = new RerunSelection(false, List.of(), null);

    public RerunSelection {
        only = List.copyOf(only);
        if (where != null) {
            try {
                CatalystSqlParser$.MODULE$.parseExpression(where);
            } catch (Exception e) { // Spark's ParseException, undeclared in Scala
                throw new IllegalArgumentException("--where '" + where + "' is not a SQL condition: "
                        + String.valueOf(e.getMessage()).lines().map(String::strip).filter(l -> !l.isEmpty())
                        .findFirst().orElse("Spark's parser refused it") + ".");
            }
        }
    }

    /** Whether --only or --where names the rows to redo. */
    public boolean selects() {
        return !only.isEmpty() || where != null;
    }

    /** The keys of a comma-separated --only value; a blank entry is an error that quotes the value. */
    public static List<String> parseKeys(String value) {
        List<String> keys = new ArrayList<>();
        for (String k : value.split(",", -1)) {
            String t = k.strip();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("--only takes clip_ids separated by commas, got '" + value
                        + "' with an empty entry.");
            }
            keys.add(t);
        }
        return keys;
    }
}
