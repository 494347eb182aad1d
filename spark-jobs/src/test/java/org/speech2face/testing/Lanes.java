package org.speech2face.testing;

/**
 * Resource locks of the two lanes failsafe runs in its test JVM (the parallel settings are in spark-jobs' POM). A
 * class whose work runs in JVMs of its own, a cluster's daemons, drivers and executors, is marked
 * {@code @Execution(CONCURRENT)} and runs beside the other classes, which keep to one lane, one after another: on two
 * cores the machine was a quarter idle while this JVM only waited for a cluster.
 */
public final class Lanes {
    /**
     * The external clusters: one at a time, since each fills most of the machine and of its memory. Held for
     * writing ({@code @ResourceLock(Lanes.CLUSTERS)}) by every class marked concurrent.
     */
    public static final String CLUSTERS = "s2f.external-clusters";
    /**
     * The shared local session ({@link SharedSpark}): a concurrent class that reads through it holds it for reading; a
     * class that stops it ({@link SharedSpark#release()}) holds it for writing, so it never stops the session under a
     * class of the other lane.
     */
    public static final String SHARED_SPARK = "s2f.shared-spark";

    private Lanes() {
    }
}
