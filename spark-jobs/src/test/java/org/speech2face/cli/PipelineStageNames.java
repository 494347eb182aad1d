package org.speech2face.cli;

import java.util.List;

/** The names of {@code s2f pipeline}'s stages, in order, for tests outside this package (the cluster run). */
public final class PipelineStageNames {
    private PipelineStageNames() {
    }

    public static List<String> all() {
        return PipelineCommand.STAGES.stream().map(s -> s.get().name()).toList();
    }
}
