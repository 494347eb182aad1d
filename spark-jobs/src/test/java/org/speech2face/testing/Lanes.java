package org.speech2face.testing;

/**
 * Resource locks of the two lanes failsafe runs in its test JVM (the parallel settings are in spark-jobs' POM). A
 * class whose work runs in JVMs of its own (a cluster's daemons, drivers and executors, or {@code s2f} processes) and
 * that only reads through the shared session is marked {@code @Execution(CONCURRENT)} and runs beside the others,
 * which keep to the first lane, one after another: on two cores the machine was a quarter idle while this JVM only
 * waited for a cluster. Classes that run stages in this JVM stay in the first lane, since a stage sets options of
 * the session it runs in.
 */
public final class Lanes {
    /**
     * The second lane: every class marked concurrent holds it for writing ({@code @ResourceLock(Lanes.SECOND)}), so
     * they run one at a time, beside the first lane: each cluster fills most of the machine and of its memory.
     */
    public static final String SECOND = "s2f.second-lane";
    /**
     * The shared local session ({@link SharedSpark}). Each test method of the second lane holds it for reading, the
     * method and not its class: the class's set-up (a cluster run) needs no session, and a class that stops the
     * session ({@link SharedSpark#release()}), which holds it for writing, can then go between two of its methods
     * instead of waiting for the whole class. So the second lane never keeps the session in a field.
     */
    public static final String SHARED_SPARK = "s2f.shared-spark";
    /**
     * The {@code @Order} of the first lane's classes that stop the shared session (and so hold {@link #SHARED_SPARK}
     * for writing): after every other class. A reader of the second lane holds the lock for its whole class,
     * cluster run included, so a stopper met in the middle of the first lane left it idle (about 150 s waiting for
     * {@code YarnClusterIT} in one CI run); at the end it waits only for what is left of the second lane.
     */
    public static final int SESSION_STOPPERS_LAST = Integer.MAX_VALUE;

    private Lanes() {
    }
}
