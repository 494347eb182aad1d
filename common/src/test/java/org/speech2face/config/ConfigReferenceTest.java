package org.speech2face.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds four things to one another so none can drift: the keys in reference.conf, the registry that checks them
 * ({@link ConfigKeys}), the keys the binding reads ({@link S2fConfig}), and docs/configuration.md.
 */
class ConfigReferenceTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final Path LOCAL_CONF = Path.of("..", "conf", "local.conf");

    @Test
    void everyKeyOfReferenceConfIsInTheRegistryAndEveryRegisteredKeyIsInReferenceConf() {
        Set<String> inFile = new TreeSet<>();
        leaves(ConfigReference.referenceFile().root(), "", inFile);
        assertThat(new TreeSet<>(ConfigReference.paths()))
                .as("ConfigKeys.ALL and reference.conf list the same keys").isEqualTo(inFile);
        assertThat(ConfigReference.paths()).doesNotHaveDuplicates();
    }

    @Test
    void theBindingReadsEveryRegisteredKeyAndNothingElse() {
        Config merged = ConfigReference.referenceFile().withFallback(ConfigFactory.systemProperties()).resolve();
        assertThat(S2fConfig.keysRead(merged)).isEqualTo(new TreeSet<>(ConfigReference.paths()));
    }

    @Test
    void everyKeyHasItsMeaningAboveItInReferenceConf() {
        ConfigObject root = ConfigReference.referenceFile().root();
        List<String> undocumented = new ArrayList<>();
        for (String path : ConfigReference.paths()) {
            if (ConfigReference.meaning(ConfigReference.find(root, path)).length() < 10) {
                undocumented.add(path);
            }
        }
        assertThat(undocumented).as("keys without a comment in reference.conf").isEmpty();
    }

    @Test
    void theLocalConfColumnReadsTheShippedEmbeddedDefault() throws IOException {
        String doc = ConfigReference.markdown(ConfigFactory.parseFile(LOCAL_CONF.toFile()));
        assertThat(doc).contains("| `training.epochs` | integer | 1 to 100000 | `50` | `6` |")
                .contains("| `gender.batch-size` | integer | 2 to 100000 | `16` |  |")
                .contains("| `ingest.audio.compression-power` | number | (0, 1] | `0.3` |");
    }

    @Test
    void docsConfigurationMdIsWhatTheCodePrints() throws IOException {
        String expected = ConfigReference.markdown(ConfigFactory.parseFile(LOCAL_CONF.toFile()));
        assertThat(DOC).as("docs/configuration.md exists").isRegularFile();
        assertThat(Files.readString(DOC))
                .as("docs/configuration.md is out of date; regenerate it with "
                        + "bin/s2f show-config --reference > docs/configuration.md")
                .isEqualTo(expected);
    }

    /** Leaf paths of an unresolved tree; an empty section (spark.conf) counts as a leaf. */
    private static void leaves(ConfigObject o, String prefix, Set<String> out) {
        for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
            String path = prefix + ConfigUtil.joinPath(e.getKey());
            if (e.getValue() instanceof ConfigObject child && !child.isEmpty()) {
                leaves(child, path + ".", out);
            } else {
                out.add(path);
            }
        }
    }
}
