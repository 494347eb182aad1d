package org.speech2face.cli;

import org.speech2face.config.S2fConfig;

import java.io.PrintStream;

/** {@code s2f show-config}: the effective configuration after --conf and --set, validated. */
final class ShowConfigCommand implements Command {
    @Override
    public String summary() {
        return "print the effective, validated configuration";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) {
        out.println(config.rendered());
        return 0;
    }
}
