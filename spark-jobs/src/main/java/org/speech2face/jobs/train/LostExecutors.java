package org.speech2face.jobs.train;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The executors a training run lost (a NodeManager killed the container, the node died, memory ran out), as
 * sentences for the run report. Spark re-runs a lost executor's tasks and the cluster manager starts a replacement,
 * so a run usually goes on; when too many are lost the run stops, and the sentence says which executors went and
 * where the next run resumes. Executors the driver released itself (dynamic allocation) are not losses.
 */
final class LostExecutors extends SparkListener implements AutoCloseable {
    /** One lost executor: its id and Spark's reason (exit status, container, diagnostics). */
    record Loss(String executorId, String reason) {
    }

    private final SparkContext sc;
    private final List<Loss> losses = new ArrayList<>();

    /** {@code sc} may be null for a listener fed events by hand. */
    LostExecutors(SparkContext sc) {
        this.sc = sc;
    }

    static LostExecutors watch(SparkContext sc) {
        LostExecutors l = new LostExecutors(sc);
        sc.addSparkListener(l);
        return l;
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        String reason = removed.reason() == null ? "no reason given" : removed.reason().strip();
        if (reason.startsWith("Executor killed by driver") || reason.contains("decommission")) {
            return;
        }
        synchronized (losses) {
            losses.add(new Loss(removed.executorId(), reason));
        }
    }

    List<Loss> losses() {
        synchronized (losses) {
            return List.copyOf(losses);
        }
    }

    /** A report note per lost executor, or none. */
    List<String> notes(String stage) {
        return losses().stream().map(l -> String.format(Locale.ROOT, "Executor %s was lost during %s (%s); Spark ran its "
                + "tasks again on the other executors.", l.executorId(), stage, oneLine(l.reason()))).toList();
    }

    /**
     * The sentence a run that stopped gives when executors were lost on the way: which, why, and where a rerun
     * resumes; empty when none was lost (the failure is then not about executors).
     */
    Optional<String> stopped(String stage, Optional<Integer> lastCheckpoint, String checkpointDir) {
        List<Loss> all = losses();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder(stage).append(" stopped after losing executor")
                .append(all.size() > 1 ? "s " : " ");
        for (int i = 0; i < all.size(); i++) {
            b.append(i == 0 ? "" : i == all.size() - 1 ? " and " : ", ").append(all.get(i).executorId())
                    .append(" (").append(oneLine(all.get(i).reason())).append(')');
        }
        b.append(lastCheckpoint.map(e -> String.format(Locale.ROOT, "; the checkpoints up to epoch-%04d under %s are "
                + "kept, and running %s again resumes after epoch %d.", e, checkpointDir, stage, e))
                .orElse("; no epoch had finished, so running " + stage + " again starts from fresh weights."));
        return Optional.of(b.toString());
    }

    private static String oneLine(String reason) {
        String s = reason.replaceAll("\\s+", " ");
        return s.length() > 300 ? s.substring(0, 297) + "..." : s;
    }

    @Override
    public void close() {
        if (sc != null) {
            sc.removeSparkListener(this);
        }
    }
}
