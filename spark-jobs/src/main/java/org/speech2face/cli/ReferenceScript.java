package org.speech2face.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one of the reference scripts under {@code $S2F_HOME/bench} (NumPy, PyTorch) in the same benchmark run, so that
 * our figure and the reference's are measured on the same machine at the same moment, and echoes its lines.
 */
final class ReferenceScript {
    private ReferenceScript() {
    }

    /**
     * Runs {@code bench/<name>} with python3, indenting its output; when it cannot run, says why in one line
     * instead of failing the benchmark.
     */
    static void run(String name, List<String> args, Map<String, String> env, PrintStream out) throws InterruptedException {
        Path script = Path.of(System.getenv().getOrDefault("S2F_HOME", "."), "bench", name);
        if (!Files.isRegularFile(script)) {
            out.println("  reference not run: " + script + " is missing.");
            return;
        }
        List<String> command = new ArrayList<>(List.of(python(), script.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            try (BufferedReader rd = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = rd.readLine()) != null) {
                    out.println("  " + line);
                }
            }
            int rc = p.waitFor();
            if (rc != 0) {
                out.println("  reference " + name + " exited with status " + rc + " (see its lines above).");
            }
        } catch (IOException e) {
            out.println("  reference " + name + " not run: " + e.getMessage());
        }
    }

    /**
     * {@code $S2F_PYTHON}, else Debian's interpreter (where apt's python3-numpy and python3-torch land, whatever
     * pyenv or a virtualenv puts first on the PATH), else {@code python3}.
     */
    static String python() {
        String chosen = System.getenv("S2F_PYTHON");
        if (chosen != null && !chosen.isBlank()) {
            return chosen;
        }
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
