package org.speech2face.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.testing.TestSpark.SAMPLE;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.config.ConfigLoader;
import org.speech2face.testing.SharedSpark;

/**
 * {@code s2f bench datasets} on three clips, one run per step: each step does the rows it names and writes files in
 * proportion (a no-op none, a 1-row overwrite a fraction of a full one), and the table prints what was measured.
 */
@Tag("slow")
@ExtendWith(SharedSpark.class)
class DatasetsBenchTest {

    @Test
    void eachStepDoesItsRowsAndWritesInProportionToThem(SparkSession spark, @TempDir Path work) throws Exception {
        Path conf = work.resolve("bench.conf");
        Files.writeString(conf, "input.csv = \"" + SAMPLE.resolve("avspeech.csv") + "\"\ninput.videos = \""
                + SAMPLE.resolve("videos") + "\"\nspark.master = \"local[2]\"\n");
        CliArgs args = CliArgs.parse("bench", "datasets", "3", "--conf", conf.toString());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        DatasetsBench bench = new DatasetsBench(args, ConfigLoader.load(conf.toString(), List.of()), out, 1);
        List<String> before = new java.util.ArrayList<>();

        List<DatasetsBench.Step> steps = bench.inProcess(spark, work.resolve("bench"), 3,
                (root, csv, key) -> before.add(key));
        bench.table(steps);

        assertThat(steps).extracting(DatasetsBench.Step::name).containsExactly("no-op rerun", "+1 new row",
                "1-row overwrite (--only 1 key)", "1% overwrite (--only 1 key)", "full overwrite (overwrite=true)");
        // three clips, one more from the +1 step; the full overwrite redoes all four
        assertThat(steps).extracting(DatasetsBench.Step::rowsDone).containsExactly(0L, 1L, 1L, 1L, 4L);
        assertThat(before).as("the command steps' hook ran once, with the overwritten key").hasSize(1);
        DatasetsBench.Step noop = steps.get(0);
        DatasetsBench.Step oneRow = steps.get(2);
        DatasetsBench.Step full = steps.get(4);
        assertThat(noop.files()).isZero();
        assertThat(noop.bytes()).isZero();
        assertThat(oneRow.bytes()).isPositive();
        assertThat(oneRow.bytes() * 2).as("a 1-row overwrite writes a fraction of a 4-row one").isLessThan(full.bytes());
        assertThat(steps).allMatch(s -> s.seconds() > 0);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("| no-op rerun | 0 | ")
                .contains("| full overwrite (overwrite=true) | 4 | ").contains("median of 1 runs");
    }
}
