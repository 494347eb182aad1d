package org.speech2face.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private String conf(String text) throws IOException {
        Path f = dir.resolve("test.conf");
        Files.writeString(f, text);
        return f.toString();
    }

    @Test
    void bindsFileAndOverridesOverReferenceDefaults() throws IOException {
        S2fConfig c = ConfigLoader.load(conf("data.root = \"" + dir + "/data\"\nmodel.profile = paper\n"),
                List.of("overwrite=true", "spark.master=local[2]", "ingest.partitions=7",
                        "spark.conf.spark.executor.memory=8g"));
        assertThat(c.dataRoot()).isEqualTo(dir.resolve("data").toUri().toString().replaceAll("/$", ""));
        assertThat(c.profile()).isEqualTo(S2fConfig.ProfileName.PAPER);
        assertThat(c.overwrite()).isTrue();
        assertThat(c.spark().master()).isEqualTo("local[2]");
        assertThat(c.spark().conf()).containsEntry("spark.executor.memory", "8g");
        assertThat(c.ingest().partitions()).isEqualTo(7);
        assertThat(c.input().videoExtensions()).containsExactly("mp4", "webm", "mkv");
        assertThat(c.split().train()).isEqualTo(0.8);
    }

    @Test
    void keepsUrisWithASchemeAndMakesRelativePathsAbsolute() throws IOException {
        S2fConfig c = ConfigLoader.load(conf("data.root = \"hdfs://nn:8020/s2f\"\ninput.csv = rel/a.csv\n"), List.of());
        assertThat(c.dataRoot()).isEqualTo("hdfs://nn:8020/s2f");
        assertThat(c.input().csv()).startsWith("file:/").endsWith("/rel/a.csv");
    }

    @Test
    void unknownKeyInFileNamesTheKeyAndTheKnownOnes() throws IOException {
        String f = conf("data { rooot = /tmp }\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of()))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("Unknown config key 'data.rooot'")
                .hasMessageContaining("test.conf")
                .hasMessageContaining("Known keys under 'data': root");
    }

    @Test
    void unknownKeyInSetIsRefused() throws IOException {
        String f = conf("");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of("modle.profile=tiny")))
                .isInstanceOf(ConfigError.class).hasMessageContaining("'modle.profile'").hasMessageContaining("--set");
    }

    @Test
    void badValuesNameTheKey() throws IOException {
        String f = conf("");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of("model.profile=huge")))
                .hasMessageContaining("'model.profile' must be one of tiny, paper; got 'huge'");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of("ingest.partitions=lots")))
                .hasMessageContaining("ingest.partitions").hasMessageContaining("lots");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of("overwrite=maybe")))
                .hasMessageContaining("'overwrite' must be true or false; got 'maybe'");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of("split.train=0.95")))
                .hasMessageContaining("add up to more than 1");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of("input.video-extensions=[\"../x\"]")))
                .hasMessageContaining("'../x'");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of("novalue")))
                .hasMessageContaining("--set expects key=value, got 'novalue'");
    }

    @Test
    void missingAndInvalidFilesAreOneLineErrors() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.conf").toString(), List.of()))
                .isInstanceOf(ConfigError.class).hasMessageContaining("nope.conf").hasMessageContaining("does not exist");
        String bad = conf("data { root = \n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, List.of()))
                .isInstanceOf(ConfigError.class).hasMessageContaining("not valid HOCON").hasMessageNotContaining("\n");
    }

    @Test
    void homeSubstitutionResolvesAgainstTheDefault() throws IOException {
        S2fConfig c = ConfigLoader.load(conf("input.csv = ${home}\"/samples/x.csv\"\n"), List.of());
        assertThat(c.input().csv()).endsWith("/samples/x.csv").startsWith("file:/");
    }
}
