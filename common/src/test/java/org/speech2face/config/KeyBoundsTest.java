package org.speech2face.config;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every registered bound is enforced by the loader: a value just outside it, given as {@code --set}, stops the load
 * with a sentence naming the key and the value. Numbers are strict: fractions for whole numbers, Java-only number
 * spellings and non-numbers are refused.
 */
class KeyBoundsTest {
    @TempDir
    Path dir;

    private S2fConfig load(String text, String... sets) throws IOException {
        return ConfigFiles.load(dir, text, sets);
    }

    @TestFactory
    Stream<DynamicTest> aValueJustOutsideEachKeysBoundsIsRefusedNamingKeyAndValue() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            for (String bad : outside(key)) {
                tests.add(DynamicTest.dynamicTest(key.path() + "=" + bad, () ->
                        assertThatThrownBy(() -> load("", key.path() + "=" + bad))
                                .isInstanceOf(ConfigError.class)
                                .hasMessageStartingWith("Config key '" + key.path() + "' must be " + key.expectation())
                                .hasMessageContaining("--set " + key.path())));
            }
        }
        assertThat(tests).hasSizeGreaterThan(2 * ConfigKeys.ALL.size());
        return tests.stream();
    }

    @Test
    void aFractionForAWholeNumberIsRefusedWhereverItIsWritten() throws IOException {
        assertThatThrownBy(() -> load("", "training.epochs=3.7")).isInstanceOf(ConfigError.class)
                .hasMessage("Config key 'training.epochs' must be a whole number from 1 to 100000; got 3.7 "
                        + "(--set training.epochs).");
        assertThatThrownBy(() -> load("training {\n  epochs = 3.7\n}\n")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'training.epochs'").hasMessageContaining("got 3.7")
                .hasMessageContaining("t.conf: 2");
        assertThatThrownBy(() -> load("training.epochs = \"3.7\"")).hasMessageContaining("got '3.7'");
        assertThatThrownBy(() -> load("", "gender.seed=2.5")).hasMessageContaining("'gender.seed'");
        assertThatThrownBy(() -> load("training.epochs = \"1e3\"")).hasMessageContaining("got '1e3'");
        // HOCON reads 3.0 as the whole number 3 and keeps no trace of the spelling; the reference says so.
        assertThat(load("", "training.epochs=3.0").training().epochs()).isEqualTo(3);
        assertThatThrownBy(() -> load("", "priors.n=[10, 20.5]")).hasMessageContaining("(item 20.5)");
        assertThat(load("training.epochs = \"7\"").training().epochs()).isEqualTo(7);
        assertThat(load("", "training.epochs=7").training().epochs()).isEqualTo(7);
    }

    @Test
    void numbersAreStrictDecimals() throws IOException {
        for (String bad : List.of("1f", "0x1p1", "Infinity", "-Infinity", "NaN", "abc", "1,5", "0.5.1", "1d")) {
            assertThatThrownBy(() -> load("", "split.train=" + bad)).as(bad).isInstanceOf(ConfigError.class)
                    .hasMessageContaining("'split.train' must be a number in [0, 1]")
                    .hasMessageContaining("got '" + bad + "'");
            assertThatThrownBy(() -> load("", "training.epochs=" + bad)).as(bad).isInstanceOf(ConfigError.class)
                    .hasMessageContaining("'training.epochs' must be a whole number");
        }
        assertThat(load("", "split.train=.5").split().train()).isEqualTo(0.5);
        assertThat(load("", "gender.learning-rate=1e-4").gender().learningRate()).isEqualTo(1e-4);
        assertThat(load("split.train = \"0.7\"").split().train()).isEqualTo(0.7);
    }

    @Test
    void theEdgesOfEachIntervalAreAsDocumented() throws IOException {
        assertThat(load("", "ingest.audio.compression-power=1").ingest().audio().compressionPower()).isEqualTo(1.0);
        assertThatThrownBy(() -> load("", "ingest.audio.compression-power=0")).hasMessageContaining("(0, 1]");
        assertThat(load("", "gender.batch-size=2").gender().batchSize()).isEqualTo(2);
        assertThat(load("", "ingest.faces.frames-per-segment=50").ingest().faces().framesPerSegment()).isEqualTo(50);
        assertThatThrownBy(() -> load("", "ingest.faces.frames-per-segment=51")).hasMessageContaining("got 51");
        assertThat(load("", "evaluate.generate.min-seconds=6").evaluate().generate().minSeconds()).isEqualTo(6.0);
    }

    @Test
    void rulesAcrossKeysNameBothKeys() {
        assertThatThrownBy(() -> load("", "ingest.audio.fft-size=300")).hasMessageContaining("'ingest.audio.fft-size'")
                .hasMessageContaining("ingest.audio.window (400)").hasMessageContaining("got 300");
        assertThatThrownBy(() -> load("", "ingest.audio.fft-size=513", "ingest.audio.window=100"))
                .hasMessageContaining("must be even");
        assertThatThrownBy(() -> load("", "ingest.audio.segment-seconds=0.01"))
                .hasMessageContaining("'ingest.audio.segment-seconds'").hasMessageContaining("160 samples");
        assertThatThrownBy(() -> load("", "evaluate.generate.min-seconds=4", "ingest.audio.segment-seconds=3"))
                .hasMessageContaining("'evaluate.generate.min-seconds'").hasMessageContaining("3.0 s");
    }

    /** Values just outside a key's bounds, as a user would type them after {@code --set key=}. */
    private static List<String> outside(ConfigKey<?> key) {
        List<String> out = new ArrayList<>();
        if (key instanceof ConfigKey.Int k) {
            out.add(String.valueOf((long) k.min() - 1));
            out.add(String.valueOf((long) k.max() + 1));
            out.add(k.min() + ".5");
        } else if (key instanceof ConfigKey.Long64) {
            out.add("1.5");
            out.add("99999999999999999999");
        } else if (key instanceof ConfigKey.Decimal k) {
            out.add(String.valueOf(k.loOpen() ? k.lo() : Math.nextDown(k.lo())));
            out.add(String.valueOf(k.hiOpen() ? k.hi() : Math.nextUp(k.hi())));
            out.add("NaN");
        } else if (key instanceof ConfigKey.Bool) {
            out.add("yes");
            out.add("1");
        } else if (key instanceof ConfigKey.Choice || key instanceof ConfigKey.OneOf) {
            out.add("no-such-word");
            out.add("");
        } else if (key instanceof ConfigKey.IntList k) {
            out.add("[]");
            out.add("[" + ((long) k.min() - 1) + "]");
            out.add("[5, 5]");
        } else if (key instanceof ConfigKey.TextList) {
            out.add("[]");
            out.add("[\"../x\"]");
        } else if (key instanceof ConfigKey.Weights) {
            out.add("random:seven");
            out.add("weights.bin");
        } else if (key instanceof ConfigKey.Section) {
            out.add("3");
        } else {
            out.add(""); // Text and Location: empty
        }
        return out;
    }
}
