package org.speech2face.cli;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.testing.SharedSpark;
import org.speech2face.testing.TestSpark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What s2f checks before Spark starts, on real files made by each test. Most runs set an unusable Spark master:
 * had s2f started Spark, the run would end in Spark's own error (exit 1, a stack trace), so exit 2 with one
 * sentence, or exit 0 with "nothing to do", shows the check came first.
 */
class PreflightTest {
    private static final String NO_SPARK = "spark.master=no-spark-must-start-here";

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void noSessionIsRunning() {
        // An active session would be reused whatever the master says, and the runs below would prove nothing: the
        // shared session of the other test classes is stopped (the next one to need it starts it again).
        SharedSpark.release();
        for (scala.Option<SparkSession> s : List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
            assertThat(s.isDefined() && !s.get().sparkContext().isStopped()).as("a running SparkSession").isFalse();
        }
    }

    private int s2f(String job, String... sets) {
        List<String> argv = new ArrayList<>(List.of(job));
        for (String s : sets) {
            if (s.startsWith("--")) {
                argv.add(s);
            } else {
                argv.add("--set");
                argv.add(s);
            }
        }
        return S2f.run(argv.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String[] sample(String root, String... more) {
        List<String> sets = new ArrayList<>(List.of("data.root=" + root,
                "input.csv=" + TestSpark.SAMPLE.resolve("avspeech.csv"),
                "input.videos=" + TestSpark.SAMPLE.resolve("videos")));
        sets.addAll(List.of(more));
        return sets.toArray(String[]::new);
    }

    private void assertOneSentence(int code, String expected) {
        assertThat(code).as(err()).isEqualTo(2);
        assertThat(err()).isEqualTo("s2f: " + expected + "\n");
    }

    @Test
    void aDataRootThatIsAFileIsOneSentenceBeforeSparkStarts() throws IOException {
        Path file = Files.writeString(tmp.resolve("root"), "not a folder");
        assertOneSentence(s2f("preprocess", sample(file.toString(), NO_SPARK)),
                "Config key 'data.root' names '" + file + "', which is a file; it must be a folder, or not exist yet.");
        err.reset();
        assertOneSentence(s2f("train-gender", sample(file + "/sub", NO_SPARK)),
                "Config key 'data.root' names '" + file + "/sub', which cannot be created: " + file + " is a file.");
        err.reset();
        assertOneSentence(s2f("preprocess", sample(file.toString(), NO_SPARK, "--dry-run")),
                "Config key 'data.root' names '" + file + "', which is a file; it must be a folder, or not exist yet.");
    }

    @Test
    void aDataRootThatCannotBeWrittenIsOneSentenceBeforeSparkStarts() {
        // sysfs refuses new entries to every user, root included, so this holds whoever runs the test.
        Path root = Path.of("/sys/s2f-preflight-test");
        int code = s2f("preprocess", sample(root.toString(), NO_SPARK));
        assertThat(code).as(err()).isEqualTo(2);
        assertThat(err()).startsWith("s2f: Config key 'data.root' names '" + root + "', which cannot be created (")
                .endsWith(").\n").doesNotContain("\tat ");
        assertThat(root).doesNotExist();
    }

    @Test
    void anInputCsvThatNamesNothingIsOneSentence() throws IOException {
        Path root = tmp.resolve("root");
        Path drops = Files.createDirectories(tmp.resolve("drops"));
        assertOneSentence(s2f("preprocess", sample(root.toString(), NO_SPARK, "input.csv=" + drops + "/*.csv")),
                "Config key 'input.csv' is the pattern '" + drops.toUri().toString().replaceAll("/$", "")
                        + "/*.csv', which matches no file.");
        err.reset();
        assertOneSentence(s2f("ingest-audio", sample(root.toString(), NO_SPARK, "input.csv=" + drops)),
                "Config key 'input.csv' names the folder '" + drops.toUri().toString().replaceAll("/$", "")
                        + "', which holds no CSV file.");
        err.reset();
        Path csv = Files.writeString(tmp.resolve("one.csv"), "rhTuvqCdmPG,0.0,7.2,0.55,0.35\n");
        assertOneSentence(s2f("preprocess", sample(root.toString(), NO_SPARK, "input.csv=" + csv,
                        "input.videos=" + csv)),
                "Config key 'input.videos' names '" + csv.toUri() + "', which is a file, not a folder.");
    }

    @Test
    void anEmptyOrHeaderOnlyCsvIsNothingToDoAndExitsZeroWithoutSpark() throws IOException {
        Path root = tmp.resolve("root");
        Path empty = Files.writeString(tmp.resolve("empty.csv"), "");
        assertThat(s2f("preprocess", sample(root.toString(), NO_SPARK, "input.csv=" + empty))).as(err()).isZero();
        assertThat(out()).isEqualTo("preprocess: input.csv " + empty.toUri() + " (1 file: empty.csv) holds no rows; "
                + "nothing to do.\n");
        out.reset();
        Path header = Files.writeString(tmp.resolve("header.csv"), "youtube_id,start_seconds,end_seconds,x,y\r\n\r\n");
        assertThat(s2f("ingest-faces", sample(root.toString(), NO_SPARK, "input.csv=" + header))).as(err()).isZero();
        assertThat(out()).contains("holds no rows; nothing to do.");
        assertThat(err()).isEmpty();
    }

    @Test
    void aShortVacuumRetentionIsOneSentenceBeforeSparkStarts() {
        Path root = tmp.resolve("root");
        assertOneSentence(s2f("optimize", "data.root=" + root, "datasets.vacuum-retention-hours=24", NO_SPARK),
                "Config key 'datasets.vacuum-retention-hours' is 24 hours (--set datasets.vacuum-retention-hours), "
                        + "below Delta's safe minimum of 168 hours: VACUUM would delete files that a running reader or "
                        + "writer may still need. Raise it, or set datasets.vacuum-allow-short-retention=true if "
                        + "nothing else uses the tables.");
        assertThat(root).as("nothing was written").doesNotExist();
    }

    @Test
    void aFractionalEpochCountIsOneSentence() {
        assertOneSentence(s2f("train-decoder", "training.epochs=3.7", NO_SPARK),
                "Config key 'training.epochs' must be a whole number from 1 to 100000; got 3.7 (--set training.epochs).");
        err.reset();
        assertOneSentence(s2f("train-gender", "gender.learning-rate=1f", NO_SPARK),
                "Config key 'gender.learning-rate' must be a number in (0, 1); got '1f' (--set gender.learning-rate).");
    }

    @Test
    void theDryRunChecksRootsCsvAndVideosWithoutSparkThenPlansWithIt() throws IOException {
        Path root = tmp.resolve("root");
        Path drops = Files.createDirectories(tmp.resolve("drops"));
        Files.writeString(drops.resolve("a.csv"), "youtube_id,start_seconds,end_seconds,x,y\n"
                + "rhTuvqCdmPG,0.0,7.2,0.55,0.35\n"
                + "\"0tmKXPDZpAe\",\"1.0\",\"8.5\",0.44,0.36\n"
                + "notHere0001,0,2.5,0.5,0.5\n");
        Files.writeString(drops.resolve("b.csv"), "rhTuvqCdmPG,0.0,7.2,0.55,0.35\n\n"
                + "rhTuvqCdmPG,1f,7.2,0.55,0.35\n"
                + "../../etc/p,0,1,0.5,0.5\n");
        String videos = TestSpark.SAMPLE.resolve("videos").toUri().toString().replaceAll("/$", "");
        int code = s2f("preprocess", "data.root=" + root, "input.csv=" + drops,
                "input.videos=" + TestSpark.SAMPLE.resolve("videos"), "spark.master=local[1]", "--dry-run");
        assertThat(code).as(err()).isZero();
        assertThat(out()).contains("dry run: input.csv " + drops.toUri().toString().replaceAll("/$", "")
                        + " (2 files: a.csv, b.csv): 6 rows; skipped 1 header line, 1 blank line\n")
                .contains("dry run: 3 rejected while parsing {duplicate_row=1, malformed_row=1, unsafe_id=1}\n")
                .contains("dry run: 3 clips to ingest: 2 with a video under " + videos + ", 1 without one (missing_file)\n");
        // The Spark plan of each stage agrees with what was counted without Spark, and adds what is already done.
        assertThat(out()).contains("ingest-faces (dry run): rows_in 6, unchanged 0, new 6, retried 0, replaced 0, to_process 3,")
                .contains("ingest-audio (dry run): rows_in 6, unchanged 0, new 6, retried 0, replaced 0, to_process 3,")
                .contains("parse_rejects 3");
        assertThat(root).doesNotExist();
    }

    @Test
    void aStageUsingFaceApisNetworksGetsThemBeforeSparkOrSaysWhyInOneSentence() throws IOException {
        Path notAFolder = Files.writeString(tmp.resolve("models"), "not a folder");
        Path root = tmp.resolve("root");
        int code = s2f("ingest-faces", sample(root.toString(), NO_SPARK, "ingest.faces.detector=ssd-mobilenet",
                "models.dir=" + notAFolder));
        assertThat(code).as(err()).isEqualTo(1);
        assertThat(err()).isEqualTo("s2f: ingest-faces (ingest.faces.detector = ssd-mobilenet) uses face-api's "
                + "pretrained networks, which are not in models.dir: Could not write the models to " + notAFolder
                + " (a file stands where a folder is needed). Choose a writable folder with the config key models.dir, "
                + "--models-dir or S2F_MODELS_DIR.\n");
        err.reset();
        assertThat(s2f("evaluate", "data.root=" + root, NO_SPARK, "models.dir=hdfs://nn/models")).isEqualTo(1);
        assertThat(err()).startsWith("s2f: evaluate (the independent recogniser, dlib's face descriptor; Tables 5 and"
                + " 6, the age and gender network) uses face-api's pretrained networks, which are not in models.dir: "
                + "Config key 'models.dir' must be a folder on the machine that starts s2f").doesNotContain("\tat ");
    }
}
