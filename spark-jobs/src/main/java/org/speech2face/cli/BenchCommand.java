package org.speech2face.cli;

import org.speech2face.config.S2fConfig;

import java.io.PrintStream;

/** {@code s2f bench <what>}: throughput figures printed beside a reference measured in the same run. */
final class BenchCommand implements Command {
    @Override
    public String summary() {
        return "benchmarks: 'bench preprocessing' (face ingest vs plain decode, spectrograms vs NumPy)";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) throws Exception {
        String what = args.positional().isEmpty() ? "" : args.positional().get(0);
        switch (what) {
            case "preprocessing" -> new PreprocessingBench(config, out).run();
            default -> throw new CliArgs.UsageError("bench needs one of: preprocessing; got '" + what + "'.");
        }
        return 0;
    }
}
