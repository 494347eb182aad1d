package org.speech2face.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochMetricsTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void epochsRoundTripInOrderAndARepeatedEpochReplacesTheOldOne() throws IOException {
        Path dir = new Path(tmp.toUri().toString(), "metrics/encoder/neutral+fc");
        Configuration conf = new Configuration();
        new EpochMetrics("encoder", "neutral+fc", 2, Map.of("total", 0.5), 1e-3, 16, 4.0, 4.0).write(dir, conf);
        new EpochMetrics("encoder", "neutral+fc", 1, Map.of("total", 0.9), 1e-3, 16, 4.0, 4.0).write(dir, conf);
        new EpochMetrics("encoder", "neutral+fc", 2, Map.of("total", 0.4), 1e-3, 16, 3.0, 5.0).write(dir, conf);

        var all = EpochMetrics.readAll(dir, conf);
        assertThat(all).extracting(EpochMetrics::epoch).containsExactly(1, 2);
        assertThat(all.get(1).lossTerms()).containsEntry("total", 0.4);
        assertThat(all.get(1).samplesPerSecond()).isEqualTo(3.0);
        try (var files = Files.list(tmp.resolve("metrics/encoder/neutral+fc"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .containsExactlyInAnyOrder("epoch-0001.json", "epoch-0002.json"); // (.crc siblings are Hadoop's)
        }
    }

    @Test
    void aMissingFolderIsEmptyAndABadFileIsNamed() throws IOException {
        Configuration conf = new Configuration();
        Path dir = new Path(tmp.toUri().toString(), "m");
        assertThat(EpochMetrics.readAll(dir, conf)).isEmpty();
        Files.createDirectories(tmp.resolve("m"));
        Files.writeString(tmp.resolve("m/epoch-0001.json"), "{not json");
        assertThatThrownBy(() -> EpochMetrics.readAll(dir, conf)).hasMessageContaining("epoch-0001.json");
        assertThatThrownBy(() -> new EpochMetrics("decoder", "default", 0, Map.of(), 0, 0, 0, 0))
                .hasMessageContaining("got 0");
    }
}
