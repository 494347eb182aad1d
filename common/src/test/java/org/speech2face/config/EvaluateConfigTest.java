package org.speech2face.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluate section: defaults that follow other keys, and errors that name the key. */
class EvaluateConfigTest {
    @TempDir
    Path dir;

    private S2fConfig load(String text, String... sets) throws IOException {
        return ConfigFiles.load(dir, text, sets);
    }

    @Test
    void defaultsFollowTheInputAndTheDataRoot() throws IOException {
        S2fConfig c = load("data.root = \"/tmp/s2f-x\"\ninput.videos = \"/data/clips\"");
        EvaluateSettings e = c.evaluate();
        assertThat(e.figureClips()).isEqualTo(10);
        assertThat(e.ageLabels()).isNull();
        assertThat(e.generate().minSeconds()).isEqualTo(3.0);
        assertThat(e.generate().silenceDbfs()).isEqualTo(-60.0);
        assertThat(e.generate().variant()).isEqualTo("auto");
        assertThat(e.generate().input()).isEqualTo("file:///data/clips");
        assertThat(e.generate().output()).isEqualTo("file:///tmp/s2f-x/reports/generated");
        assertThat(c.rendered()).contains("figure-clips");
    }

    @Test
    void overridesAndAnAgeLabelsFile() throws IOException {
        S2fConfig c = load("", "evaluate.age-labels=ages.csv", "evaluate.generate.variant=Gender+FC",
                "evaluate.figure-clips=4");
        assertThat(c.evaluate().ageLabels()).startsWith("file:/").endsWith("/ages.csv");
        assertThat(c.evaluate().generate().variant()).isEqualTo("gender+fc");
        assertThat(c.evaluate().figureClips()).isEqualTo(4);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> load("", "evaluate.generate.variant=female+prior")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'evaluate.generate.variant'").hasMessageContaining("female+prior");
        assertThatThrownBy(() -> load("", "evaluate.generate.min-seconds=7")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'evaluate.generate.min-seconds'").hasMessageContaining("got 7.0");
        assertThatThrownBy(() -> load("", "evaluate.generate.silence-dbfs=3")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'evaluate.generate.silence-dbfs'");
        assertThatThrownBy(() -> load("", "evaluate.figure-clips=0")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'evaluate.figure-clips'");
        assertThatThrownBy(() -> load("", "evaluate.recogniser.maxiter=3")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("Unknown config key 'evaluate.recogniser.maxiter'");
    }
}
