package org.speech2face.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.speech2face.deploy.ProjectFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs notebooks/execute.py (nbclient, a real ipykernel) and reads back the executed notebooks. Without a Python
 * that has the notebook packages, a test is skipped with the reason, except under CI (the CI variable set), where
 * that is a failure: .ci/run installs them.
 */
public final class Notebooks {
    static final String PACKAGES = "python3-nbclient python3-nbformat python3-ipykernel python3-matplotlib python3-numpy";
    private static final String IMPORTS = "import nbclient, nbformat, ipykernel, matplotlib, numpy";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Notebooks() {
    }

    /** $S2F_PYTHON, else python3 on the PATH, else Debian's /usr/bin/python3: the first that imports the packages. */
    static Optional<String> python() {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("S2F_PYTHON")).ifPresent(candidates::add);
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String py : candidates) {
            try {
                Process p = new ProcessBuilder(py, "-c", IMPORTS).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(py);
                }
            } catch (IOException | InterruptedException absent) {
                // not this one
            }
        }
        return Optional.empty();
    }

    /** The Python to run notebooks with; skips the test (CI unset) or fails it (CI set) when there is none. */
    public static String requirePython() {
        Optional<String> py = python();
        if (py.isEmpty()) {
            String why = "No python3 here imports nbclient, nbformat, ipykernel, matplotlib and numpy, so the notebooks "
                    + "cannot run (Debian: apt-get install " + PACKAGES + "; or set S2F_PYTHON).";
            if (System.getenv("CI") != null) {
                Assertions.fail("CI is set, and CI must run the notebooks. " + why + " .ci/run installs them.");
            }
            Assumptions.abort(why);
        }
        return py.get();
    }

    /** Runs execute.py on {@code dataRoot}; the executed notebooks by file name. Fails with its output if it fails. */
    public static Map<String, JsonNode> execute(Path dataRoot, Path out, String... notebooks)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(requirePython(),
                ProjectFiles.ROOT.resolve("notebooks/execute.py").toString(), "--data-root", dataRoot.toString(),
                "--out", out.toString()));
        cmd.addAll(List.of(notebooks));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("execute.py finished").isTrue();
        assertThat(p.exitValue()).as("execute.py's exit code; its output:%n%s", output).isZero();
        Map<String, JsonNode> executed = new LinkedHashMap<>();
        try (var files = Files.list(out)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList()) {
                executed.put(f.getFileName().toString(), JSON.readTree(f.toFile()));
            }
        }
        return executed;
    }

    /** The text a reader sees in a notebook's outputs: printed streams and displayed Markdown. */
    public static String text(JsonNode nb) {
        StringBuilder b = new StringBuilder();
        for (JsonNode o : outputs(nb)) {
            appendText(b, o.get("text"));
            appendText(b, o.path("data").get("text/markdown"));
        }
        return b.toString();
    }

    /** How many images (PNG outputs) a notebook shows. */
    public static int images(JsonNode nb) {
        int n = 0;
        for (JsonNode o : outputs(nb)) {
            n += o.path("data").has("image/png") ? 1 : 0;
        }
        return n;
    }

    /** "name: value" of every error output; empty when every cell ran. */
    public static List<String> errors(JsonNode nb) {
        List<String> out = new ArrayList<>();
        for (JsonNode o : outputs(nb)) {
            if (o.path("output_type").asText().equals("error")) {
                out.add(o.path("ename").asText() + ": " + o.path("evalue").asText());
            }
        }
        return out;
    }

    private static List<JsonNode> outputs(JsonNode nb) {
        List<JsonNode> out = new ArrayList<>();
        nb.path("cells").forEach(c -> c.path("outputs").forEach(out::add));
        return out;
    }

    private static void appendText(StringBuilder b, JsonNode text) {
        if (text == null) {
            return;
        }
        if (text.isArray()) {
            text.forEach(t -> b.append(t.asText()));
        } else {
            b.append(text.asText());
        }
        b.append('\n');
    }
}
