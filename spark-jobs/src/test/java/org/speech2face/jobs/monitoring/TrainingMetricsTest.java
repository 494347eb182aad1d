package org.speech2face.jobs.monitoring;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.speech2face.testing.Lanes;
import org.speech2face.testing.SharedSpark;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training stage's metrics as Prometheus scrapes them: a Spark session with the metrics settings the wrappers
 * pass (PrometheusServlet on the driver's UI, namespace s2f), the source registered and fed one epoch, then the
 * servlet's page read over HTTP from the UI's port.
 */
@ResourceLock(Lanes.SHARED_SPARK)
class TrainingMetricsTest {
    private static SparkSession spark;

    @BeforeAll
    static void startSparkWithTheWrappersMetricsSettings() {
        SharedSpark.release(); // this test needs a session with the UI and metrics on, not the shared one
        spark = SparkSession.builder().master("local[1]").appName("metrics-test")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "true").config("spark.ui.port", "0")
                .config("spark.metrics.namespace", "s2f")
                .config("spark.metrics.conf.*.sink.prometheusServlet.class", "org.apache.spark.metrics.sink.PrometheusServlet")
                .config("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void theLossAndThroughputOfTheLastEpochAreOnThePrometheusPage() throws IOException {
        TrainingMetrics m = TrainingMetrics.register("train-decoder");
        m.epochDone(1, Map.of("total", 0.75, "minibatch_total", 0.8), 100, 12.5);
        m.epochDone(2, Map.of("total", 0.5, "minibatch_total", 0.625, "val_total", 0.5625), 100, 25.0);

        String page = prometheusPage();
        assertThat(gauge(page, "train_decoder_loss")).isEqualTo(0.5);
        assertThat(gauge(page, "train_decoder_minibatch_loss")).isEqualTo(0.625);
        assertThat(gauge(page, "train_decoder_val_loss")).isEqualTo(0.5625);
        assertThat(gauge(page, "train_decoder_samples_per_second")).isEqualTo(25.0);
        assertThat(gauge(page, "train_decoder_epoch")).isEqualTo(2.0);
        assertThat(page).contains("metrics_s2f_driver_training_train_decoder_examples_fitted_Count{type=\"counters\"} 200");
    }

    /** A rerun of a stage in the same Spark context starts from a fresh source, not the last run's values. */
    @Test
    void aSecondRunOfAStageReplacesTheFirstsMetrics() throws IOException {
        TrainingMetrics.register("train-encoder").epochDone(3, Map.of("total", 1.5), 40, 4.0);
        TrainingMetrics again = TrainingMetrics.register("train-encoder");

        String before = prometheusPage();
        assertThat(gauge(before, "train_encoder_loss")).isNaN();
        assertThat(before).contains("metrics_s2f_driver_training_train_encoder_examples_fitted_Count{type=\"counters\"} 0");
        again.epochDone(1, Map.of("total", 2.25), 40, 8.0);
        assertThat(gauge(prometheusPage(), "train_encoder_loss")).isEqualTo(2.25);
    }

    private static double gauge(String page, String name) {
        Matcher m = Pattern.compile("(?m)^metrics_s2f_driver_training_" + name + "_(?:Number|Value)\\{type=\"gauges\"} (\\S+)$")
                .matcher(page);
        assertThat(m.find()).as("gauge %s in%n%s", name, page).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String prometheusPage() throws IOException {
        String ui = spark.sparkContext().uiWebUrl().get();
        HttpURLConnection c = (HttpURLConnection) URI.create(ui + "/metrics/prometheus").toURL().openConnection();
        assertThat(c.getResponseCode()).isEqualTo(200);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
