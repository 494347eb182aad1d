package org.speech2face.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.speech2face.config.ConfigLoader;
import org.speech2face.config.TrainingSettings;

/** The training master as configured, and the export approach refused where it cannot work. */
class TrainingMastersTest {
    private static TrainingSettings settings(String... sets) {
        return ConfigLoader.load(null, List.of(sets)).training();
    }

    @Test
    void theMasterAveragesAdamsStateWithTheConfiguredRounds() {
        TrainableAveragingMaster m = TrainingMasters.create(settings("training.batch-per-worker=6",
                "training.averaging-frequency=3", "training.prefetch=2"), 4, 1, null, List.of());
        assertThat(m.isSaveUpdater()).isTrue();
        assertThat(m.getAveragingFrequency()).isEqualTo(3);
        assertThat(m.getNumWorkers()).isEqualTo(4);
        assertThat(m.getPrefetchNumBatches()).isEqualTo(2);
        assertThat(TrainingMasters.storageLevel(settings())).hasToString("StorageLevel(memory, 1 replicas)");
    }

    @Test
    void exportIsRefusedWhereEachExecutorWouldWriteToItsOwnDisk() {
        TrainingSettings export = settings("training.approach=export");
        Path local = new Path("file:/data/s2f/_staging/train-decoder/run/export");
        Configuration conf = new Configuration();
        for (String master : List.of("spark://10.0.0.1:7077", "yarn", "local-cluster[2,1,1024]")) {
            assertThatThrownBy(() -> TrainingMasters.checkApproach(export, master, local, conf))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("training.approach = export").hasMessageContaining(master)
                    .hasMessageContaining("file:/data/s2f/_staging").hasMessageContaining("training.approach = direct");
        }
        assertThatCode(() -> TrainingMasters.checkApproach(export, "local[2]", local, conf)).doesNotThrowAnyException();
        assertThatCode(() -> TrainingMasters.checkApproach(settings(), "yarn", local, conf)).doesNotThrowAnyException();
    }
}
