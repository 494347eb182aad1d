package org.speech2face.jobs.train;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.speech2face.testing.Lanes;
import org.speech2face.testing.Tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.jobs.JobTestSupport.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.speech2face.testing.ChildS2f;
import org.junit.jupiter.api.Test;
import org.speech2face.testing.SharedSpark;
import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.LocalCluster;
import org.speech2face.jobs.SparkSessions;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.model.io.EpochMetrics;

import static org.apache.spark.sql.functions.col;

/**
 * Both trainings on a real multi-process Spark cluster: {@code local-cluster[2,1,2048]}, a standalone master and
 * two workers in this JVM, each starting one single-core executor JVM that talks to the driver over loopback. The
 * examples go to the executors through Spark, parameters and Adam's state come back through DL4J's averaging.
 */
@Tag("cluster")
@ResourceLock(Lanes.SHARED_SPARK)
@Order(Lanes.SESSION_STOPPERS_LAST)
class ClusterTrainingTest {
    static SparkSession spark;
    static List<String> cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        // The executor JVMs live for two short trainings: the options of the other tests' short-lived JVMs.
        cluster = LocalCluster.sets(2, 1, 2048).stream().map(s -> s.startsWith("spark.conf.spark.executor.extraJavaOptions=")
                ? s + " " + ChildS2f.SHORT_LIVED_JVM : s).toList();
        SharedSpark.release(); // one SparkContext per JVM: this test needs a local cluster as its master
        spark = SparkSessions.create(config(Files.createTempDirectory("s2f-boot")).spark());
    }

    @AfterAll
    static void stopCluster() {
        try {
            spark.stop();
        } finally {
            LocalCluster.release();
        }
    }

    static S2fConfig config(Path root, String... sets) throws Exception {
        List<String> all = new ArrayList<>(cluster);
        all.addAll(List.of(sets));
        return TrainingFixture.config(root, all.toArray(new String[0]));
    }

    /** Per epoch: examples fitted by each executor. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Long>> byExecutor(RunReport report) {
        List<Map<String, Object>> perEpoch = (List<Map<String, Object>>) report.figures().get("examples_per_executor");
        return perEpoch.stream().map(e -> (Map<String, Long>) e.get("examples")).toList();
    }

    @Test
    void twoExecutorsShareEveryEpochAndBothLossesGoDown() throws Exception {
        assertThat(spark.sparkContext().master()).isEqualTo("local-cluster[2,1,2048]");
        Path root = TrainingFixture.copy(spark);
        long trainFaces = Tables.read(spark, root.resolve("face_features").toString())
                .filter(col("split").equalTo("train")).count();

        RunReport decoder = run(spark, new TrainDecoderJob(), config(root, "training.epochs=2"));
        RunReport encoder = run(spark, new TrainEncoderJob(), config(root, "training.epochs=2"));
        for (RunReport r : List.of(decoder, encoder)) {
            assertThat(r.figures().get("workers")).as(r.stage()).isEqualTo(2);
            assertThat(r.count(TrainingJob.Counts.TRAIN_EXAMPLES)).isEqualTo(trainFaces);
            Set<String> executors = new TreeSet<>();
            for (Map<String, Long> epoch : byExecutor(r)) {
                // every example of the epoch fitted exactly once, whichever executor fitted it
                assertThat(epoch.values().stream().mapToLong(Long::longValue).sum()).as(r.stage()).isEqualTo(trainFaces);
                executors.addAll(epoch.keySet());
            }
            assertThat(executors).as("%s ran on the executor JVMs, not the driver", r.stage())
                    .containsExactlyInAnyOrder("0", "1");
        }

        List<EpochMetrics> fd = TrainingJobsTest.metrics(root, "decoder", "default");
        List<EpochMetrics> se = TrainingJobsTest.metrics(root, "encoder", "neutral+fc");
        assertThat(fd).hasSize(2);
        assertThat(se).hasSize(2);
        assertThat(fd.get(1).lossTerms().get("total")).isLessThan(fd.get(0).lossTerms().get("total"));
        assertThat(fd.get(1).lossTerms().get("minibatch_total")).isLessThan(fd.get(0).lossTerms().get("minibatch_total"));
        assertThat(se.get(1).lossTerms().get("total")).isLessThan(se.get(0).lossTerms().get("total"));
        assertThat(TrainingJobsTest.checkpoints(root, "encoder", "neutral+fc").epochs()).containsExactly(1, 2);
    }
}
