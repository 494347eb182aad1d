package org.speech2face.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.contracts.EncoderVariant;

/** The training and encoder sections: the paper's defaults, every variant, and errors that name the key. */
class TrainingConfigTest {
    @TempDir
    Path dir;

    private S2fConfig load(String text, String... sets) throws IOException {
        return ConfigFiles.load(dir, text, sets);
    }

    @Test
    void referenceDefaultsAreThePapersRecipeOnDl4jsParameterAveraging() throws IOException {
        TrainingSettings t = load("").training();
        assertThat(t.epochs()).isEqualTo(50);
        assertThat(t.batchPerWorker()).isEqualTo(16);
        assertThat(t.workers()).isZero();
        assertThat(t.averagingFrequency()).isEqualTo(5);
        assertThat(t.approach()).isEqualTo(TrainingSettings.Approach.DIRECT);
        assertThat(t.storageLevel()).isEqualTo("MEMORY_ONLY_SER");
        assertThat(t.uiStats()).isFalse();
        assertThat(t.encoderVariant().id()).isEqualTo("neutral+fc");
    }

    @Test
    void everyVariantOfThePaperIsReachableFromTheTwoKeys() throws IOException {
        String[][] keys = {{"none", "add"}, {"neutral", "add-fc"}, {"neutral", "add"}, {"gender", "add-fc"},
                {"gender", "add"}, {"female", "add"}, {"male", "add"}};
        for (int i = 0; i < keys.length; i++) {
            EncoderVariant v = load("", "encoder.prior=" + keys[i][0], "encoder.fusion=" + keys[i][1]).training()
                    .encoderVariant();
            assertThat(v).isEqualTo(EncoderVariant.PAPER.get(i));
        }
        assertThat(load("encoder { prior = MALE, fusion = add-fc }").training().encoderVariant().id()).isEqualTo("male+fc");
    }

    @Test
    void overridesAndBadValuesNameTheirKey() throws IOException {
        TrainingSettings t = load("", "training.approach=export", "training.storage-level=memory_and_disk_ser",
                "training.workers=4", "training.ui-stats=true").training();
        assertThat(t.approach()).isEqualTo(TrainingSettings.Approach.EXPORT);
        assertThat(t.storageLevel()).isEqualTo("MEMORY_AND_DISK_SER");
        assertThat(t.workers()).isEqualTo(4);
        assertThat(t.uiStats()).isTrue();

        assertThatThrownBy(() -> load("training.batch-per-worker = 0")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'training.batch-per-worker'").hasMessageContaining("got 0");
        assertThatThrownBy(() -> load("training.storage-level = FAST")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'training.storage-level'").hasMessageContaining("'FAST'")
                .hasMessageContaining("MEMORY_ONLY_SER");
        assertThatThrownBy(() -> load("training.approach = ship")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'training.approach'").hasMessageContaining("direct, export");
        assertThatThrownBy(() -> load("encoder.prior = voice")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'encoder.prior'").hasMessageContaining("'voice'");
        assertThatThrownBy(() -> load("encoder { prior = neutral, fusion = none }")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'encoder.fusion'").hasMessageContaining("add or add-fc");
        assertThatThrownBy(() -> load("training.epoch = 3")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("Unknown config key 'training.epoch'");
    }
}
