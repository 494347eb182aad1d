package org.speech2face.jobs.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of one stage did: counts by status and reason, throughput, wall time, the effective config, the
 * versions in use and a few sample rejects. Written as JSON for tools and as Markdown for people, beside the
 * stage's output, by {@link RunReportWriter}.
 *
 * <p>Counts are typed: a report is made with the {@link Counter}s its stage declares, every one of them starts at zero
 * and is printed, and setting or reading any other counter throws.
 */
public final class RunReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String stage;
    private final String runId;
    private final Instant started;
    private Instant finished;
    private boolean dryRun;
    private String output;
    private String config = "";
    private final Map<String, Counter> declared = new LinkedHashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, Long> rejectsByReason = new LinkedHashMap<>();
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<Map<String, Object>> sampleRejects = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Map<String, Object>> tables = new ArrayList<>();
    private final List<String> headlines = new ArrayList<>();

    public RunReport(String stage, String runId, Collection<? extends Counter> declared) {
        this.stage = stage;
        this.runId = runId;
        this.started = Instant.now();
        for (Counter c : declared) {
            if (this.declared.put(c.key(), c) != null) {
                throw new IllegalArgumentException("Stage " + stage + " declares the counter " + c.key() + " twice.");
            }
            counts.put(c.key(), 0L);
        }
    }

    public RunReport count(Counter counter, long value) {
        counts.put(declared(counter), value);
        return this;
    }

    /** Adds {@code delta} to a counter. */
    public RunReport add(Counter counter, long delta) {
        counts.merge(declared(counter), delta, Long::sum);
        return this;
    }

    public RunReport rejectReason(String code, long n) {
        rejectsByReason.merge(code, n, Long::sum);
        return this;
    }

    public RunReport figure(String name, Object value) {
        figures.put(name, value);
        return this;
    }

    /** A figure that also goes on the stage's one-line summary (e.g. held-out accuracy, faces per second). */
    public RunReport headline(String name, Object value) {
        figure(name, value);
        if (!headlines.contains(name)) {
            headlines.add(name);
        }
        return this;
    }

    /** The headline figures, in the order they were first set. */
    public Map<String, Object> headlines() {
        Map<String, Object> m = new LinkedHashMap<>();
        headlines.forEach(h -> m.put(h, figures.get(h)));
        return m;
    }

    public RunReport sampleReject(Map<String, Object> reject) {
        sampleRejects.add(reject);
        return this;
    }

    public RunReport note(String note) {
        notes.add(note);
        return this;
    }

    /** A titled table (e.g. the priors' convergence, a confusion matrix), rendered in both formats. */
    public RunReport table(String title, List<String> header, List<List<Object>> rows) {
        for (List<Object> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("Table '" + title + "' has " + header.size() + " columns but a row of "
                        + r.size() + ": " + r + ".");
            }
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("title", title);
        t.put("header", List.copyOf(header));
        t.put("rows", rows.stream().map(ArrayList::new).toList());
        tables.add(t);
        return this;
    }

    public List<Map<String, Object>> tables() {
        return List.copyOf(tables);
    }

    public Map<String, Object> figures() {
        return java.util.Collections.unmodifiableMap(figures);
    }

    public RunReport output(String path) {
        this.output = path;
        return this;
    }

    public RunReport config(String rendered) {
        this.config = rendered;
        return this;
    }

    public RunReport dryRun(boolean dryRun) {
        this.dryRun = dryRun;
        return this;
    }

    public RunReport finish() {
        this.finished = Instant.now();
        return this;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public String stage() {
        return stage;
    }

    public String runId() {
        return runId;
    }

    /** A declared counter's value; a counter the stage does not declare is an error, never a zero. */
    public long count(Counter counter) {
        return counts.get(declared(counter));
    }

    /** The counters this report's stage declares, in order. */
    public Collection<Counter> declared() {
        return java.util.Collections.unmodifiableCollection(declared.values());
    }

    private String declared(Counter counter) {
        Counter known = declared.get(counter.key());
        if (known != counter) {
            throw new IllegalArgumentException("Stage " + stage + " does not count " + counter.key() + " ("
                    + counter.getClass().getSimpleName() + "." + counter.name() + "); it counts " + declared.keySet()
                    + ".");
        }
        return counter.key();
    }

    /** In the order they were counted, so summary lines read rows_in, skipped, ..., written, rejected. */
    public Map<String, Long> counts() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    public Map<String, Long> rejectsByReason() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rejectsByReason));
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    public double wallSeconds() {
        Instant end = finished == null ? Instant.now() : finished;
        return Duration.between(started, end).toMillis() / 1000.0;
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", stage);
        m.put("run_id", runId);
        m.put("dry_run", dryRun);
        m.put("started", started.toString());
        m.put("finished", finished == null ? null : finished.toString());
        m.put("wall_seconds", wallSeconds());
        m.put("output", output);
        m.put("counts", counts);
        m.put("rejects_by_reason", rejectsByReason);
        m.put("figures", figures);
        m.put("tables", tables);
        m.put("versions", Versions.all());
        m.put("sample_rejects", sampleRejects);
        m.put("notes", notes);
        m.put("config", config);
        try {
            return JSON.writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("The run report of " + stage + " could not be rendered as JSON.", e);
        }
    }

    public String toMarkdown() {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(stage).append(dryRun ? " (dry run)" : "").append(", run ").append(runId).append("\n\n");
        b.append(String.format("Wall time %.1f s. Output: `%s`.%n%n", wallSeconds(), output));
        b.append("| count | value |\n| --- | ---: |\n");
        counts.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        if (!figures.isEmpty()) {
            b.append("\n| figure | value |\n| --- | ---: |\n");
            figures.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        }
        for (Map<String, Object> t : tables) {
            appendTable(b, t);
        }
        if (!rejectsByReason.isEmpty()) {
            b.append("\n| reject reason | rows |\n| --- | ---: |\n");
            rejectsByReason.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        }
        if (!sampleRejects.isEmpty()) {
            b.append("\nSample rejects:\n\n");
            for (Map<String, Object> r : sampleRejects) {
                b.append("- `").append(r.get("row_or_clip")).append("` ").append(r.get("reason_code")).append(": ")
                        .append(r.get("message")).append('\n');
            }
        }
        if (!notes.isEmpty()) {
            b.append("\nNotes:\n\n");
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
        }
        b.append("\nVersions: ");
        Versions.all().forEach((k, v) -> b.append(k).append(' ').append(v).append("; "));
        b.append("\n\n<details><summary>Effective config</summary>\n\n```hocon\n").append(config)
                .append("\n```\n</details>\n");
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static void appendTable(StringBuilder b, Map<String, Object> t) {
        List<String> header = (List<String>) t.get("header");
        b.append("\n").append(t.get("title")).append(":\n\n| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> b.append(" --- |"));
        b.append('\n');
        for (List<Object> row : (List<List<Object>>) t.get("rows")) {
            b.append("| ");
            for (Object v : row) {
                b.append(v).append(" | ");
            }
            b.setLength(b.length() - 1);
            b.append('\n');
        }
    }
}
