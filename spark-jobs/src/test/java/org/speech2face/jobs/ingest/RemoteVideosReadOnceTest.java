package org.speech2face.jobs.ingest;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.CountedFileSystem;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.testing.SharedSpark;
import org.speech2face.testing.TestSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.testing.TestSpark.SAMPLE;

/**
 * {@code preprocess} (ingest-faces, then ingest-audio, on one session) over videos on a remote file system: the
 * bundled sample's real videos served under the scheme {@code counted:}, whose bytes read Hadoop's file system
 * statistics count. Local mode has one executor, so each video may be read exactly once: not once per segment, nor
 * once per stage.
 */
@ExtendWith(SharedSpark.class)
class RemoteVideosReadOnceTest {
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SharedSpark.session();
        spark.sparkContext().hadoopConfiguration().set("fs.counted.impl", CountedFileSystem.class.getName());
        spark.sparkContext().hadoopConfiguration().setBoolean("fs.counted.impl.disable.cache", true);
    }

    @Test
    void preprocessReadsEachRemoteVideoOnceForAllItsSegmentsAndBothStages() throws Exception {
        // The CSV's first six lines: three videos with 2, 1 and 3 segments.
        List<String> lines = Files.readAllLines(SAMPLE.resolve("avspeech.csv")).subList(0, 6);
        Set<String> ids = new LinkedHashSet<>();
        lines.forEach(l -> ids.add(l.substring(0, l.indexOf(','))));
        assertThat(ids).hasSize(3);
        long expected = 0;
        for (String id : ids) {
            try (var s = Files.list(SAMPLE.resolve("videos"))) {
                Path v = s.filter(p -> p.getFileName().toString().startsWith(id + ".")).findFirst().orElseThrow();
                expected += Files.size(v);
            }
        }
        S2fConfig cfg = TestSpark.config(tmp.resolve("root"), SAMPLE.resolve("avspeech.csv"), SAMPLE.resolve("videos"),
                "input.videos=counted://" + SAMPLE.resolve("videos"), "ingest.local-tmp=" + tmp.resolve("executor-tmp"));
        long before = CountedFileSystem.bytesRead();

        JobContext ctx = new JobContext(spark, cfg, JobContext.newRunId(), false, OptionalLong.of(6));
        for (SparkJob job : List.<SparkJob>of(new IngestFacesJob(), new IngestAudioJob())) {
            RunReport r = job.run(ctx);
            assertThat(r.count(KeyedStageJob.Counts.WRITTEN) + r.count(KeyedStageJob.Counts.REJECTED)).as(r.stage()).isEqualTo(6);
            assertThat(r.count(KeyedStageJob.Counts.WRITTEN)).as(r.stage()).isPositive();
        }

        long read = CountedFileSystem.bytesRead() - before;
        assertThat(read).as("bytes read from the remote videos by both stages").isEqualTo(expected);
    }
}
