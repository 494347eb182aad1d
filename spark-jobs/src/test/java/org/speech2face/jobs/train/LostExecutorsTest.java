package org.speech2face.jobs.train;

import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The sentences a training run gives about executors it lost; the YARN cluster test loses a real one. */
class LostExecutorsTest {
    @Test
    void namesEachLostExecutorAndIgnoresTheOnesTheDriverReleased() {
        LostExecutors lost = new LostExecutors(null);
        lost.onExecutorRemoved(new SparkListenerExecutorRemoved(1L, "2", "Container from a bad node: "
                + "container_1_0001_01_000003 on host: localhost. Exit status: 137.\nDiagnostics: killed"));
        lost.onExecutorRemoved(new SparkListenerExecutorRemoved(2L, "4", "Executor killed by driver."));

        assertThat(lost.notes("train-decoder")).containsExactly("Executor 2 was lost during train-decoder (Container from "
                + "a bad node: container_1_0001_01_000003 on host: localhost. Exit status: 137. Diagnostics: killed); "
                + "Spark ran its tasks again on the other executors.");
        assertThat(lost.stopped("train-decoder", Optional.of(3), "hdfs:///r/models/decoder/default")).get().asString()
                .startsWith("train-decoder stopped after losing executor 2 (Container from a bad node")
                .endsWith("the checkpoints up to epoch-0003 under hdfs:///r/models/decoder/default are kept, and running "
                        + "train-decoder again resumes after epoch 3.");
    }

    @Test
    void saysNothingWhenNoExecutorWasLostAndFreshWeightsWhenNoEpochFinished() {
        LostExecutors lost = new LostExecutors(null);
        assertThat(lost.notes("train-encoder")).isEmpty();
        assertThat(lost.stopped("train-encoder", Optional.of(1), "d")).isEmpty();

        lost.onExecutorRemoved(new SparkListenerExecutorRemoved(1L, "1", "Executor heartbeat timed out"));
        lost.onExecutorRemoved(new SparkListenerExecutorRemoved(2L, "3", "Container killed by YARN for exceeding "
                + "physical memory limits"));
        assertThat(lost.stopped("train-encoder", Optional.empty(), "d")).get().asString()
                .isEqualTo("train-encoder stopped after losing executors 1 (Executor heartbeat timed out) and 3 "
                        + "(Container killed by YARN for exceeding physical memory limits); no epoch had finished, so "
                        + "running train-encoder again starts from fresh weights.");
    }

    @Test
    void aStandaloneWorkerThatDiesIsNamedAsTheLossOfItsExecutor() {
        // What a standalone master tells the driver about the executors of a worker it lost (Master.removeWorker).
        LostExecutors lost = new LostExecutors(null);
        lost.onExecutorRemoved(new SparkListenerExecutorRemoved(1L, "1", "worker lost"));
        assertThat(lost.stopped("train-decoder", Optional.of(2), "d")).get().asString()
                .startsWith("train-decoder stopped after losing executor 1 (worker lost); ");
    }
}
