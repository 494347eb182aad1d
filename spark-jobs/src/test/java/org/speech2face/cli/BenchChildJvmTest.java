package org.speech2face.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code bench models} passes on to each network's JVM: the launcher's module openings and ND4J settings, not
 * its heap, off-heap limits or class data sharing (whose mapped archive would count in the child's peak memory, the
 * figure the bench prints for the network).
 */
class BenchChildJvmTest {

    @Test
    void theChildKeepsTheLaunchersSettingsButNotItsHeapOrClassArchive() {
        List<String> child = BenchCommand.childJvmOptions(List.of(
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Djavacpp.platform=linux-x86_64", "-Xmx8g",
                "-XX:SharedArchiveFile=/s2f/spark-jobs/target/launcher/cds/s2f-1.jsa", "-Xshare:auto",
                "-Xlog:cds=off", "-Xlog:class+path=off", "-XX:DumpLoadedClassList=/tmp/s2f-run-1/classes.lst",
                "-Dorg.bytedeco.javacpp.maxbytes=4g", "-XX:MaxHeapFreeRatio=100"));
        assertThat(child).containsSubsequence("--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Djavacpp.platform=linux-x86_64", "-XX:MaxHeapFreeRatio=100", "-Xmx2g");
        assertThat(child).noneMatch(o -> o.contains("SharedArchiveFile") || o.startsWith("-Xshare")
                || o.startsWith("-Xlog") || o.contains("DumpLoadedClassList") || o.equals("-Xmx8g")
                || o.equals("-Dorg.bytedeco.javacpp.maxbytes=4g"));
    }
}
