package org.speech2face.jobs.evaluate;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of evaluate's report as people read it: Markdown with its title and notes. Cells are rendered as given;
 * {@code null} prints as the paper's "-".
 */
record ReportTable(String title, List<String> header, List<List<Object>> rows, List<String> notes) {
    ReportTable {
        for (List<Object> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("Table '" + title + "' has " + header.size() + " columns but a row of "
                        + r.size() + ": " + r + ".");
            }
        }
        header = List.copyOf(header);
        rows = rows.stream().map(r -> (List<Object>) new ArrayList<>(r)).toList();
        notes = List.copyOf(notes);
    }

    String markdown() {
        StringBuilder b = new StringBuilder("## ").append(title).append("\n\n| ").append(String.join(" | ", header))
                .append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            b.append(i == 0 ? " --- |" : " ---: |");
        }
        b.append('\n');
        for (List<Object> r : rows) {
            b.append('|');
            r.forEach(v -> b.append(' ').append(v == null ? "-" : v).append(" |"));
            b.append('\n');
        }
        if (!notes.isEmpty()) {
            b.append('\n');
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
        }
        return b.toString();
    }

}
