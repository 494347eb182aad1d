package org.speech2face.cli;

import org.speech2face.config.S2fConfig;
import org.speech2face.model.networks.ModelDescriber;
import org.speech2face.model.networks.ModelProfile;

import java.io.PrintStream;

/** {@code s2f describe-models [--profile tiny|paper]}: every network's layers, output shapes and parameter counts. */
final class DescribeModelsCommand implements Command {
    @Override
    public String summary() {
        return "print VGGFace, FD and SE layer by layer with output shapes and parameter counts";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) {
        out.print(ModelDescriber.describeAll(ModelProfile.valueOf(config.profile().name())));
        return 0;
    }
}
