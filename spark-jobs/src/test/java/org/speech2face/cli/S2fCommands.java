package org.speech2face.cli;

import java.util.List;

/** s2f's command names, for tests outside this package (the cluster run, the operator manifests). */
public final class S2fCommands {
    private S2fCommands() {
    }

    /** {@code s2f pipeline}'s stages, in order. */
    public static List<String> pipelineStages() {
        return PipelineCommand.STAGES.stream().map(s -> s.get().name()).toList();
    }

    /** Every command {@code s2f} accepts. */
    public static List<String> all() {
        return Commands.names();
    }
}
