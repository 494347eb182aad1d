package org.speech2face.jobs.report;

import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Logs a stage's processed and rejected counters from the driver every few seconds, so a long job on a cluster
 * shows progress in the driver log as well as in the Spark UI's job descriptions.
 */
public final class ProgressLogger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressLogger.class);

    private final ScheduledExecutorService timer;
    private final String stage;
    private final LongAccumulator written;
    private final LongAccumulator rejected;
    private final long total;
    private final long startNanos = System.nanoTime();

    public ProgressLogger(String stage, LongAccumulator written, LongAccumulator rejected, long total, int everySeconds) {
        this.stage = stage;
        this.written = written;
        this.rejected = rejected;
        this.total = total;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "s2f-progress-" + stage);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::log, everySeconds, everySeconds, TimeUnit.SECONDS);
    }

    public void log() {
        long w = written.value();
        long r = rejected.value();
        double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        LOG.info(String.format("%s: %d/%d rows processed (%d written, %d rejected), %.2f rows/s", stage, w + r, total,
                w, r, (w + r) / secs));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        log();
    }
}
