package org.speech2face.jobs.monitoring;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import org.apache.spark.SparkEnv;
import org.apache.spark.metrics.MetricsSystem;
import org.apache.spark.metrics.source.Source;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A training stage's progress in Spark's metrics system, so the sinks the run is configured with (the wrappers set
 * up Prometheus' servlet on the driver's UI port) show it while it trains: the last epoch, its loss of the averaged
 * model ({@code loss}), the mean loss the workers saw while fitting ({@code minibatch_loss}), the validation loss,
 * samples per second of the fit, and the examples fitted so far. Source {@code training.<stage>}, so with
 * {@code spark.metrics.namespace=s2f} Prometheus reads e.g.
 * {@code metrics_s2f_driver_training_train_decoder_loss_Number}.
 * Registered on the driver, where the epochs end; a second run of the stage in the same Spark context replaces it.
 */
public final class TrainingMetrics implements Source {
    private final String name;
    private final MetricRegistry registry = new MetricRegistry();
    private final Counter examples;
    private volatile double loss = Double.NaN;
    private volatile double minibatchLoss = Double.NaN;
    private volatile double valLoss = Double.NaN;
    private volatile double samplesPerSecond = Double.NaN;
    private final AtomicLong epoch = new AtomicLong();

    private TrainingMetrics(String stage) {
        this.name = "training." + stage;
        registry.register("epoch", (Gauge<Long>) epoch::get);
        registry.register("loss", (Gauge<Double>) () -> loss);
        registry.register("minibatch_loss", (Gauge<Double>) () -> minibatchLoss);
        registry.register("val_loss", (Gauge<Double>) () -> valLoss);
        registry.register("samples_per_second", (Gauge<Double>) () -> samplesPerSecond);
        examples = registry.counter("examples_fitted");
    }

    /**
     * The metrics of {@code stage}, registered with this JVM's Spark metrics system (replacing an earlier run's);
     * without a running Spark environment they are kept but exported nowhere.
     */
    public static TrainingMetrics register(String stage) {
        TrainingMetrics m = new TrainingMetrics(stage);
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            MetricsSystem system = env.metricsSystem();
            scala.collection.Iterator<Source> old = system.getSourcesByName(m.name).iterator();
            while (old.hasNext()) {
                system.removeSource(old.next());
            }
            system.registerSource(m);
        }
        return m;
    }

    /**
     * One finished epoch: {@code lossTerms} as the trainer measured them ({@code total}, {@code minibatch_total},
     * {@code val_total} are exported; missing ones read NaN), the examples fitted and the fit's samples per second.
     */
    public void epochDone(int epochNumber, Map<String, Double> lossTerms, long examplesFitted, double perSecond) {
        loss = lossTerms.getOrDefault("total", Double.NaN);
        minibatchLoss = lossTerms.getOrDefault("minibatch_total", Double.NaN);
        valLoss = lossTerms.getOrDefault("val_total", Double.NaN);
        samplesPerSecond = perSecond;
        examples.inc(examplesFitted);
        epoch.set(epochNumber);
    }

    @Override
    public String sourceName() {
        return name;
    }

    @Override
    public MetricRegistry metricRegistry() {
        return registry;
    }
}
