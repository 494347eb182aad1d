package org.speech2face.model.layers;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspaceManager;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's activation-gradient workspaces ({@code WS_LAYER_ACT_0}, {@code _1}, ...: a graph's backward pass puts each
 * layer's epsilon in one of them, alternating) learn their size over the first steps and from then on hold the
 * largest they saw, resident through the whole step, the backward pass's peak included. For the face decoder at
 * paper size they appeared in its second and fourth steps and raised the step's peak from 5.0 to 5.3 GiB
 * (docs/benchmarks.md#fd-epsilon-workspaces). Given back after each of the decoder's minibatches, the next backward
 * pass allocates its epsilons outside them again, each freed when its layer is done, at the same speed.
 */
public final class EpsilonWorkspaces {
    /** DL4J 1.0.0-M2.1's name for them ({@code ComputationGraph.WS_LAYER_ACT_1} and its siblings). */
    static final String PREFIX = "WS_LAYER_ACT_";

    private EpsilonWorkspaces() {
    }

    /**
     * Destroys this thread's activation-gradient workspaces that no scope has open; returns how many. For between
     * minibatches, on the thread that fitted them (workspaces are per thread).
     */
    public static int release() {
        MemoryWorkspaceManager manager = Nd4j.getWorkspaceManager();
        int released = 0;
        for (MemoryWorkspace w : manager.getAllWorkspacesForCurrentThread()) {
            if (w.getId().startsWith(PREFIX) && !w.isScopeActive()) {
                manager.destroyWorkspace(w);
                released++;
            }
        }
        return released;
    }
}
