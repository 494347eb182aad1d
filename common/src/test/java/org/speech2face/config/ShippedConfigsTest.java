package org.speech2face.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.speech2face.contracts.EncoderVariant;

/** The configs the project ships must bind: a typo in conf/cluster.conf would otherwise surface on a cluster. */
class ShippedConfigsTest {
    private static final Path CONF = Path.of("..", "conf");

    @Test
    void clusterConfBindsToThePaperRecipe() {
        Path cluster = CONF.resolve("cluster.conf");
        assertThat(cluster).isRegularFile();
        S2fConfig c = ConfigLoader.load(cluster.toString(), List.of());
        assertThat(c.profile()).isEqualTo(S2fConfig.ProfileName.PAPER);
        assertThat(c.dataRoot()).startsWith("hdfs:");
        assertThat(c.training().epochs()).isEqualTo(50);
        assertThat(c.training().batchPerWorker()).isEqualTo(16);
        assertThat(c.training().approach()).isEqualTo(TrainingSettings.Approach.EXPORT);
        assertThat(c.training().encoderVariant()).isEqualTo(EncoderVariant.parse("neutral+fc"));
    }

    @Test
    void localConfIsTheTinyEmbeddedDefault() {
        assertThat(Files.isRegularFile(CONF.resolve("local.conf"))).isTrue();
        S2fConfig c = ConfigLoader.load(CONF.resolve("local.conf").toString(), List.of());
        assertThat(c.profile()).isEqualTo(S2fConfig.ProfileName.TINY);
        assertThat(c.spark().master()).startsWith("local");
    }
}
