package org.speech2face.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.speech2face.jobs.SparkSessions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * One local Spark session for every test class of a test JVM ({@code @ExtendWith(SharedSpark.class)}; a test asks for
 * it as a {@code SparkSession} parameter or calls {@link #session()}). Starting Spark costs seconds and a dozen
 * classes used to start one each; jobs never keep state in the session, so sharing it changes nothing a test
 * checks. It is built exactly as the launcher builds it (local[2], two shuffle partitions) and stopped once, when the
 * whole test plan has run. Tests never stop it; a test that needs another master (a local cluster) calls
 * {@link #release()} first and stops its own session when done.
 */
public final class SharedSpark implements BeforeAllCallback, ParameterResolver {
    private static SparkSession session;

    /** The shared session, started on first use. */
    public static synchronized SparkSession session() {
        if (session == null || session.sparkContext().isStopped()) {
            try {
                session = SparkSessions.create(TestSpark.config(Files.createTempDirectory("s2f-boot"),
                        TestSpark.SAMPLE.resolve("avspeech.csv"), TestSpark.SAMPLE.resolve("videos")).spark());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not configure the test Spark session.", e);
            }
        }
        return session;
    }

    /**
     * Stops the shared session, for a test that must start Spark with another master; the next user restarts it. The
     * calling class holds {@code @ResourceLock(Lanes.SHARED_SPARK)}, so that under failsafe it never stops the
     * session while a class of the other lane reads through it.
     */
    public static synchronized void release() {
        if (session != null) {
            session.stop();
            session = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // a resource in the root store is closed after the last test class of the JVM
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedSpark.class, k -> (ExtensionContext.Store.CloseableResource) SharedSpark::release);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SparkSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return session();
    }
}
