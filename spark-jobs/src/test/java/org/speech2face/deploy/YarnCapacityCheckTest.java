package org.speech2face.deploy;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The container sizes submit-yarn.sh's command asks YARN for, and whether a cluster's NodeManagers can hold the
 * driver and a first executor. The sizes are checked against Spark's own rules (overhead: max(384 MiB, 10%)).
 */
class YarnCapacityCheckTest {
    private static List<String> submit(String... extra) {
        List<String> args = new ArrayList<>(List.of("--master", "yarn", "--deploy-mode", "cluster", "--name", "s2f-x",
                "--class", "org.speech2face.cli.S2f", "--driver-memory", "4g", "--executor-memory", "8g",
                "--executor-cores", "4", "--num-executors", "3", "--conf", "spark.executor.memoryOverhead=5120m",
                "--conf", "spark.driver.memoryOverhead=5120m"));
        args.addAll(List.of(extra));
        args.addAll(List.of("app.jar", "ingest-faces", "--executor-memory", "1g"));
        return args;
    }

    @Test
    void readsTheContainersOfTheWrappersDefaultCommand() {
        YarnContainers c = YarnContainers.fromSubmitArgs(submit());

        assertThat(c.clusterMode()).isTrue();
        assertThat(c.amMb()).isEqualTo(4096 + 5120);
        assertThat(c.amVcores()).isEqualTo(1);
        assertThat(c.executorMb()).as("the s2f argument after the jar is not spark-submit's").isEqualTo(8192 + 5120);
        assertThat(c.executorVcores()).isEqualTo(4);
        assertThat(c.executors()).isEqualTo(3);
    }

    @Test
    void followsSparksDefaultsAndPrecedence() {
        YarnContainers plain = YarnContainers.fromSubmitArgs(List.of("--master", "yarn", "--deploy-mode", "cluster",
                "--driver-memory", "2g", "--executor-memory", "10g", "app.jar"));
        assertThat(plain.amMb()).as("2 GiB + the 384 MiB minimum overhead").isEqualTo(2048 + 384);
        assertThat(plain.executorMb()).as("10 GiB + 10%").isEqualTo(10240 + 1024);
        assertThat(plain.executorVcores()).isEqualTo(1);

        // --executor-memory wins over --conf spark.executor.memory; the last --conf of a key wins; off-heap counts.
        YarnContainers c = YarnContainers.fromSubmitArgs(List.of("--conf", "spark.executor.memory=64g",
                "--executor-memory", "1g", "--conf", "spark.executor.memoryOverhead=100", "--conf",
                "spark.executor.memoryOverhead=200", "--conf", "spark.memory.offHeap.enabled=true", "--conf",
                "spark.memory.offHeap.size=1g", "--deploy-mode", "client", "app.jar"));
        assertThat(c.executorMb()).isEqualTo(1024 + 200 + 1024);
        assertThat(c.clusterMode()).isFalse();
        assertThat(c.amMb()).as("client mode: the small AM, 512 MiB + 384").isEqualTo(896);
    }

    @Test
    void sizesInEveryUnitSparkAccepts() {
        assertThat(YarnContainers.mib("2048")).isEqualTo(2048);
        assertThat(YarnContainers.mib("512m")).isEqualTo(512);
        assertThat(YarnContainers.mib("4G")).isEqualTo(4096);
        assertThat(YarnContainers.mib("2gb")).isEqualTo(2048);
        assertThat(YarnContainers.mib("1t")).isEqualTo(1024 * 1024);
        assertThat(YarnContainers.mib("1536k")).isEqualTo(2);
        assertThatThrownBy(() -> YarnContainers.mib("lots")).hasMessageContaining("'lots'");
    }

    private static YarnCapacityCheck.Node node(String id, long mb, int vcores) {
        return new YarnCapacityCheck.Node(id, mb, vcores);
    }

    @Test
    void aContainerLargerThanEveryNodeIsRefusedWithBothSizes() {
        YarnContainers c = YarnContainers.fromSubmitArgs(submit());

        String why = YarnCapacityCheck.problem(c, List.of(node("a", 5120, 4), node("b", 5120, 4))).orElseThrow();

        assertThat(why).contains("needs 9216 MB", "each executor's container needs 13312 MB",
                "offers 5120 MB", "2 running NodeManager(s)", "wait forever", "--executor-memory");
        assertThat(YarnCapacityCheck.problem(c, List.of(node("a", 10240, 4), node("big", 14336, 4)))).isEmpty();
    }

    @Test
    void aDriverAndAnExecutorThatFitOneNodeEachButNotTogetherAreRefused() {
        // The case seen on a 4096 MB NodeManager: a 2560 MB driver and a 2560 MB executor.
        YarnContainers c = new YarnContainers(true, 2560, 1, 2560, 1, 1, null);

        assertThat(YarnCapacityCheck.problem(c, List.of(node("one", 4096, 4)))).get().asString()
                .contains("each fit a node, but not together", "2560 MB");
        assertThat(YarnCapacityCheck.problem(c, List.of(node("one", 5120, 4)))).isEmpty();
        assertThat(YarnCapacityCheck.problem(c, List.of(node("a", 4096, 4), node("b", 4096, 4)))).isEmpty();
    }

    @Test
    void vcoresBoundEachContainerButAreNotSummedPerNode() {
        YarnContainers fourCores = new YarnContainers(true, 1024, 1, 1024, 4, 1, null);

        assertThat(YarnCapacityCheck.problem(fourCores, List.of(node("small", 8192, 2)))).get().asString()
                .contains("4 vcore(s)");
        // The default resource calculator places a 1-vcore driver and a 4-vcore executor on one 4-vcore node.
        assertThat(YarnCapacityCheck.problem(fourCores, List.of(node("one", 8192, 4)))).isEmpty();
    }

    @Test
    void requestsAreRoundedToTheMinimumAllocationOnlyWhenTheClientConfigStatesIt() {
        Configuration defaults = new YarnConfiguration();
        assertThat(YarnCapacityCheck.allocationStep(defaults)).isEqualTo(1);
        Configuration stated = new YarnConfiguration();
        stated.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 1024);
        assertThat(YarnCapacityCheck.allocationStep(stated)).isEqualTo(1024);

        YarnContainers c = new YarnContainers(true, 2500, 1, 1900, 1, 1, null).roundedTo(1024);
        assertThat(c.amMb()).isEqualTo(3072);
        assertThat(c.executorMb()).isEqualTo(2048);
    }
}
