package org.speech2face.cli;

import org.junit.jupiter.api.Test;
import org.speech2face.jobs.RerunSelection;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CliArgsTest {
    @Test
    void parsesJobOptionsAndPositionalWords() {
        CliArgs a = CliArgs.parse("bench", "preprocessing", "--conf", "c.conf", "--set", "a=1", "--set=b=2",
                "--dry-run", "--limit", "5", "--profile", "paper");
        assertThat(a.job()).isEqualTo("bench");
        assertThat(a.positional()).containsExactly("preprocessing");
        assertThat(a.confFile()).isEqualTo("c.conf");
        assertThat(a.sets()).containsExactly("a=1", "b=2", "model.profile=paper");
        assertThat(a.dryRun()).isTrue();
        assertThat(a.limit()).hasValue(5);
        assertThat(a.help()).isFalse();
    }

    @Test
    void generatesOptionsAreKeptByName() {
        CliArgs a = CliArgs.parse("generate", "--input", "v.wav", "--output", "f.png", "--variant", "male",
                "--set", "a=1");
        assertThat(a.options()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("input", "v.wav", "output", "f.png",
                "variant", "male"));
        assertThat(a.sets()).containsExactly("a=1");
        assertThat(CliArgs.parse("show-config").options()).isEmpty();
        assertThatThrownBy(() -> CliArgs.parse("generate", "--input")).hasMessageContaining("--input needs a value");
    }

    @Test
    void badOptionsAreUsageErrorsThatNameTheWord() {
        assertThatThrownBy(() -> CliArgs.parse("x", "--limit", "-3")).hasMessageContaining("'-3'");
        assertThatThrownBy(() -> CliArgs.parse("x", "--bogus")).hasMessageContaining("'--bogus'");
        assertThatThrownBy(() -> CliArgs.parse("x", "--conf")).hasMessageContaining("--conf needs a value");
    }

    @Test
    void exitCodesSeparateUsageFromSuccess() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(S2f.run(new String[]{"--help"}, o, e)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: s2f").contains("show-config");
        assertThat(S2f.run(new String[]{"nosuchjob"}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown job 'nosuchjob'");
        assertThat(S2f.run(new String[]{"show-config", "--set", "data.rooot=x"}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown config key 'data.rooot'");
        out.reset();
        assertThat(S2f.run(new String[]{"show-config", "--set", "model.profile=paper"}, o, e)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("profile=paper");
    }

    @Test
    void rerunSwitchesSelectRowsAndBadOnesAreRefusedBeforeSpark() {
        RerunSelection none = CliArgs.parse("ingest-faces").rerun();
        assertThat(none.selects()).isFalse();
        assertThat(none.retryRejects()).isFalse();
        RerunSelection r = CliArgs.parse("ingest-faces", "--retry-rejects", "--only", "aaaaaaaaaaa_0, bbbbbbbbbbb_100",
                "--where", "youtube_id = 'ccccccccccc'").rerun();
        assertThat(r.retryRejects()).isTrue();
        assertThat(r.only()).containsExactly("aaaaaaaaaaa_0", "bbbbbbbbbbb_100");
        assertThat(r.where()).isEqualTo("youtube_id = 'ccccccccccc'");
        assertThat(r.selects()).isTrue();
        assertThatThrownBy(() -> CliArgs.parse("x", "--only", "a,,b").rerun()).isInstanceOf(CliArgs.UsageError.class)
                .hasMessageContaining("'a,,b'");
        assertThatThrownBy(() -> CliArgs.parse("x", "--where", "youtube_id = = 'x").rerun())
                .isInstanceOf(CliArgs.UsageError.class).hasMessageContaining("--where 'youtube_id = = 'x'");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(S2f.run(new String[]{"ingest-faces", "--where", "((", "--set", "data.root=/nonexistent-s2f"},
                new PrintStream(new ByteArrayOutputStream()), e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--where '((' is not a SQL condition: ").contains("Syntax error");
    }
}
