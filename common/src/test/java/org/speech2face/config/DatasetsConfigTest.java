package org.speech2face.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The datasets section (s2f optimize): its defaults, and a VACUUM retention below Delta's safe 7 days, which is refused
 * with a sentence naming the value and where it was set unless the short retention is allowed in so many words.
 */
class DatasetsConfigTest {
    @TempDir
    Path dir;

    private S2fConfig load(String text, String... sets) throws IOException {
        return ConfigFiles.load(dir, text, sets);
    }

    @Test
    void defaultsAreDeltasTargetSizeAndSafeRetention() throws IOException {
        DatasetsSettings d = load("").datasets();
        assertThat(d.targetFileSizeMb()).isEqualTo(128);
        assertThat(d.targetFileSizeBytes()).isEqualTo(128L * 1024 * 1024);
        assertThat(d.vacuumRetentionHours()).isEqualTo(168);
        assertThat(d.vacuumAllowShortRetention()).isFalse();
        assertThat(load("", "datasets.vacuum-retention-hours=720").datasets().vacuumRetentionHours()).isEqualTo(720);
    }

    @Test
    void aRetentionBelowSevenDaysIsRefusedNamingTheValueUnlessAllowed() throws IOException {
        assertThatThrownBy(() -> load("", "datasets.vacuum-retention-hours=24")).isInstanceOf(ConfigError.class)
                .hasMessage("Config key 'datasets.vacuum-retention-hours' is 24 hours (--set "
                        + "datasets.vacuum-retention-hours), below Delta's safe minimum of 168 hours: VACUUM would "
                        + "delete files that a running reader or writer may still need. Raise it, or set "
                        + "datasets.vacuum-allow-short-retention=true if nothing else uses the tables.");
        assertThatThrownBy(() -> load("datasets {\n  vacuum-retention-hours = 167\n}\n"))
                .hasMessageContaining("is 167 hours (").hasMessageContaining("t.conf: 2), below");
        assertThat(load("", "datasets.vacuum-retention-hours=0", "datasets.vacuum-allow-short-retention=true")
                .datasets().vacuumRetentionHours()).isZero();
    }
}
