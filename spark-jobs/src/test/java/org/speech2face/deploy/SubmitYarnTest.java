package org.speech2face.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What deploy/submit-yarn.sh does with commands that start no Spark application of their own (--dry-run; YarnClusterIT
 * runs them for real): in cluster deploy mode YARN would end them FAILED with exit code 13, so they run in client
 * deploy mode with this machine as the driver, reading a local config; bench is refused.
 */
class SubmitYarnTest {
    @Test
    void commandsWithoutSparkRunInClientModeWithTheLocalConfigAsGiven() throws Exception {
        for (String job : new String[]{"show-config", "describe-models", "models", "face-attributes", "generate"}) {
            SubmitWrappersTest.Run r = SubmitWrappersTest.run("submit-yarn.sh", "--dry-run", "--conf", "conf/cluster.conf",
                    job, "--input", "voice.wav");

            assertThat(r.exit()).as(job + ": " + r.stderr()).isZero();
            assertThat(r.after("--master")).isEqualTo("yarn");
            assertThat(r.after("--deploy-mode")).as(job).isEqualTo("client");
            assertThat(r.words()).as("nothing to ship: the driver is here").doesNotContain("--files");
            assertThat(r.words().subList(r.words().size() - 5, r.words().size()))
                    .containsExactly(job, "--conf", "conf/cluster.conf", "--input", "voice.wav");
        }
    }

    @Test
    void sparkJobsStayInClusterMode() throws Exception {
        SubmitWrappersTest.Run r = SubmitWrappersTest.run("submit-yarn.sh", "--dry-run", "--skip-capacity-check",
                "--conf", "hdfs:///s2f/cluster.conf", "preprocess");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.after("--deploy-mode")).isEqualTo("cluster");
        assertThat(r.after("--files")).isEqualTo("hdfs:///s2f/cluster.conf");
        assertThat(r.words().subList(r.words().size() - 3, r.words().size()))
                .containsExactly("preprocess", "--conf", "cluster.conf");
    }

    @Test
    void aLocalCommandWithARemoteConfigAndBenchAreRefusedWithASentence() throws Exception {
        SubmitWrappersTest.Run remote = SubmitWrappersTest.run("submit-yarn.sh", "--dry-run", "--conf",
                "hdfs:///s2f/cluster.conf", "show-config");
        assertThat(remote.exit()).isEqualTo(2);
        assertThat(remote.stderr()).contains("'show-config' runs on this machine", "--conf must be a local file",
                "hdfs:///s2f/cluster.conf");

        SubmitWrappersTest.Run missing = SubmitWrappersTest.run("submit-yarn.sh", "--dry-run", "--conf", "no/such.conf",
                "generate");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.stderr()).contains("The config file no/such.conf does not exist.");

        SubmitWrappersTest.Run bench = SubmitWrappersTest.run("submit-yarn.sh", "--dry-run", "bench", "models");
        assertThat(bench.exit()).isEqualTo(2);
        assertThat(bench.stderr()).contains("'bench' measures the machine it runs on", "bin/s2f bench models");
    }
}
