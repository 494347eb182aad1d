package org.speech2face.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A real multi-process Spark cluster on this machine: Spark's {@code local-cluster[n,cores,memory]} master runs a
 * standalone master and workers inside this JVM, and the workers start each executor as its own JVM, talking to the
 * driver over loopback like any cluster. Used by the multi-executor training test and by {@code bench training}.
 *
 * <p>Spark's workers expect a Spark installation: a {@code jars/} folder under the Spark home and the Scala version
 * of its launcher. With Spark taken from Maven there is none, so {@link #sets} points them (through Spark's own
 * test properties, {@code spark.testing} and {@code spark.test.home}) at an empty stand-in with those two folders,
 * and the executors run from this JVM's class path. Call {@link #release} afterwards to leave the JVM as it was.
 */
public final class LocalCluster {
    private static final String TESTING = "spark.testing";
    private static final String TEST_HOME = "spark.test.home";

    private LocalCluster() {
    }

    /**
     * {@code --set} overrides that run the job on {@code executors} executor JVMs of {@code cores} cores and
     * {@code memoryMb} MB each, with ND4J limited to those cores and every executor registered before the first task.
     */
    public static List<String> sets(int executors, int cores, int memoryMb) {
        Path home = prepareHome();
        System.setProperty(TESTING, "true");
        System.setProperty(TEST_HOME, home.toString());
        List<String> sets = new ArrayList<>();
        sets.add(String.format(Locale.ROOT, "spark.master=local-cluster[%d,%d,%d]", executors, cores, memoryMb));
        String c = "spark.conf.";
        sets.add(c + "spark.executor.memory=" + memoryMb + "m");
        sets.add(c + "spark.executor.extraClassPath=" + System.getProperty("java.class.path"));
        sets.add(c + "spark.executor.extraJavaOptions=" + forwardedJavaOptions());
        sets.add(c + "spark.executorEnv.OMP_NUM_THREADS=" + cores);
        sets.add(c + "spark.executorEnv.OMP_WAIT_POLICY=PASSIVE");
        sets.add(c + "spark.scheduler.minRegisteredResourcesRatio=1.0");
        sets.add(c + "spark.scheduler.maxRegisteredResourcesWaitingTime=120s");
        // no waiting for a busy executor that holds a cached block: the other one takes the task
        sets.add(c + "spark.locality.wait=0s");
        sets.add(c + "spark.ui.enabled=false");
        return sets;
    }

    /** Clears the properties {@link #sets} put on this JVM. */
    public static void release() {
        System.clearProperty(TESTING);
        System.clearProperty(TEST_HOME);
    }

    /** A Spark home with an empty {@code jars/} and the launcher folder that tells Spark its Scala version. */
    private static Path prepareHome() {
        try {
            Path home = Path.of(System.getProperty("java.io.tmpdir"), "s2f-local-cluster-home");
            Files.createDirectories(home.resolve("jars"));
            Files.createDirectories(home.resolve("launcher/target/scala-2.12"));
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the stand-in Spark home for local-cluster mode.", e);
        }
    }

    /** The driver's JavaCPP settings, so executors load the same native builds of ND4J, FFmpeg and OpenCV. */
    private static String forwardedJavaOptions() {
        StringBuilder b = new StringBuilder();
        for (String key : List.of("javacpp.platform", "org.bytedeco.javacpp.platform.extension",
                "jdk.reflect.useDirectMethodHandle", "io.netty.tryReflectionSetAccessible")) {
            String v = System.getProperty(key);
            if (v != null) {
                b.append(b.length() == 0 ? "" : " ").append("-D").append(key).append('=').append(v);
            }
        }
        return b.toString();
    }
}
