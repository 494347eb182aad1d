package org.speech2face.jobs.ingest;

import org.speech2face.testing.SharedSpark;
import org.junit.jupiter.api.extension.ExtendWith;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.config.ConfigError;
import org.speech2face.config.S2fConfig;
import org.speech2face.testing.TestSpark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ingest plan's reading of input.csv, on real files in a folder, a glob and a single file, on real Spark. */
@ExtendWith(SharedSpark.class)
class CsvInputTest {
    private static final S2fConfig.SplitFractions SPLIT = new S2fConfig.SplitFractions(0.8, 0.1);

    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SharedSpark.session();
    }

    /** Two drops, a hidden file and a subfolder: what a scheduled folder of CSV drops looks like. */
    private Path drops() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("drops"));
        Files.writeString(dir.resolve("a.csv"), "youtube_id,start_seconds,end_seconds,x,y\r\n"
                + "AvPeTSSg_Yo,1.0,2.0,0.5,0.5\r\n"
                + "\"AvPeTSSg_Yo\",\"3.0\",4.0,0.5,\"0.25\"\r\n");
        Files.writeString(dir.resolve("b.csv"), "\n"
                + "\"multi\nline\",1,2,0.5,0.5\n"
                + "AvPeTSSg_Yo,1.0,2.5,0.5,0.5\n"
                + "XbPeTSSg_Yo,1f,2,0.5,0.5\n");
        Files.writeString(dir.resolve(".partial.csv"), "XbPeTSSg_Yo,1,2,0.5,0.5\n");
        Files.writeString(Files.createDirectories(dir.resolve("old")).resolve("c.csv"), "XbPeTSSg_Yo,1,2,0.5,0.5\n");
        return dir;
    }

    private List<Row> plan(CsvFiles files, OptionalLong limit) {
        return CsvInput.read(spark, files, limit, SPLIT).orderBy("file", "line").collectAsList();
    }

    private CsvFiles list(String location) {
        return CsvFiles.list(location, spark.sparkContext().hadoopConfiguration());
    }

    @Test
    void aFolderOfDropsIsReadFileByFileWithItsOwnLineNumbersAndNames() throws IOException {
        CsvFiles files = list(drops().toUri().toString());
        assertThat(files.names()).containsExactly("a.csv", "b.csv");
        assertThat(files.ignored()).hasSize(2).anyMatch(p -> p.endsWith("/.partial.csv")).anyMatch(p -> p.endsWith("/old"));

        List<Row> rows = plan(files, OptionalLong.empty());
        assertThat(rows).extracting(r -> r.getAs("file") + ":" + r.getAs("line"))
                .containsExactly("a.csv:2", "a.csv:3", "b.csv:2", "b.csv:4", "b.csv:5");
        assertThat(rows).extracting(r -> (String) r.getAs("key")).startsWith("AvPeTSSg_Yo_1000", "AvPeTSSg_Yo_3000");
        assertThat((Double) rows.get(1).getAs("hint_y")).isEqualTo(0.25);
        assertThat(rows.get(0).<String>getAs("reason_code")).isNull();
        assertThat(rows.get(1).<String>getAs("reason_code")).isNull();

        assertThat(rows.get(2).<String>getAs("reason_code")).isEqualTo("unsafe_id");
        assertThat(rows.get(2).<String>getAs("message")).startsWith("b.csv line 2: youtube_id 'multi\\u000aline'");
        assertThat(rows.get(2).<String>getAs("raw")).isEqualTo("\"multi\nline\",1,2,0.5,0.5");

        assertThat(rows.get(3).<String>getAs("reason_code")).isEqualTo("duplicate_row");
        assertThat(rows.get(3).<String>getAs("key")).isEqualTo("AvPeTSSg_Yo_1000@b.csv:4");
        assertThat(rows.get(3).<String>getAs("message")).isEqualTo(
                "b.csv line 4: repeats clip_id AvPeTSSg_Yo_1000 of a.csv line 2; the first one is kept.");

        assertThat(rows.get(4).<String>getAs("reason_code")).isEqualTo("malformed_row");
        assertThat(rows.get(4).<String>getAs("message"))
                .isEqualTo("b.csv line 5: start_seconds '1f' is not a plain decimal number.");
    }

    @Test
    void aGlobReadsWhatItMatchesAndLimitKeepsTheFirstRowsInFileOrder() throws IOException {
        Path dir = drops();
        CsvFiles files = list(dir + "/*.csv");
        assertThat(files.names()).containsExactly("a.csv", "b.csv");
        assertThat(plan(files, OptionalLong.of(3))).extracting(r -> r.getAs("file") + ":" + r.getAs("line"))
                .containsExactly("a.csv:2", "a.csv:3", "b.csv:2");
        // Files in different folders are named by their path below the folder they share.
        Files.writeString(dir.resolve("old/d.csv"), "XbPeTSSg_Yo,5,6,0.5,0.5\n");
        assertThat(list(dir + "/{b.csv,old/*.csv}").names()).containsExactly("b.csv", "old/c.csv", "old/d.csv");
    }

    @Test
    void nothingToReadIsASentenceNamingTheLocation() throws IOException {
        Path dir = drops();
        assertThatThrownBy(() -> list(dir + "/*.tsv")).isInstanceOf(ConfigError.class)
                .hasMessage("Config key 'input.csv' is the pattern '" + dir + "/*.tsv', which matches no file.");
        assertThatThrownBy(() -> list(dir + "/none.csv")).isInstanceOf(ConfigError.class)
                .hasMessage("Config key 'input.csv' names '" + dir + "/none.csv', which does not exist.");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("_SUCCESS"), "");
        assertThatThrownBy(() -> list(empty.toString())).isInstanceOf(ConfigError.class)
                .hasMessageContaining("names the folder '" + empty + "', which holds no CSV file (only 1 hidden");
    }
}
