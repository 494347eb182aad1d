package org.speech2face.testing;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.speech2face.config.ConfigLoader;
import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.report.RunReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the Spark job tests share: the bundled sample and fixtures, a config for a temporary data root, a local
 * session built exactly as the launcher builds it, and small readers of what a run left on disk.
 */
public final class TestSpark {
    public static final Path SAMPLE = Path.of("../samples/avspeech-sample").toAbsolutePath().normalize();
    public static final Path FIXTURES = Path.of("src/test/resources/fixtures").toAbsolutePath().normalize();

    private TestSpark() {
    }

    /**
     * A config as a user would write it, loaded through the launcher's loader, plus --set style overrides. Adaptive
     * query execution is off: on a few rows it only splits each query into more Spark jobs (one per exchange), and
     * the stage classes ran 14 % faster without it (docs/development.md#tests). The product keeps Spark's default,
     * which the cluster tests and the child {@code s2f} processes run with.
     */
    public static S2fConfig config(Path root, Path csv, Path videos, String... sets) throws IOException {
        Path conf = Files.createTempFile("s2f-test", ".conf");
        Files.writeString(conf, "data.root = \"" + root + "\"\ninput.csv = \"" + csv + "\"\ninput.videos = \""
                + videos + "\"\nspark.master = \"local[2]\"\nspark.conf { \"spark.sql.shuffle.partitions\" = \"2\", "
                + "\"spark.sql.adaptive.enabled\" = \"false\" }\n"
                + "progress.interval-seconds = 60\n");
        return ConfigLoader.load(conf.toString(), List.of(sets));
    }

    public static RunReport run(SparkSession spark, SparkJob job, S2fConfig cfg) throws Exception {
        return job.run(new JobContext(spark, cfg, JobContext.newRunId(), false, OptionalLong.empty()));
    }

    /** Copies the folder {@code from} (its files and subfolders) into {@code to}. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    public static long csvRows(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).count();
    }

    public static Set<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return new TreeSet<>();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The dataset's files without its run reports, which every run adds. */
    public static Set<Path> dataFiles(Path dir) throws IOException {
        Set<Path> out = files(dir);
        out.removeIf(p -> p.toString().contains("/_reports/"));
        return out;
    }

    public static List<String> sorted(Dataset<Row> d, String col) {
        List<String> out = new ArrayList<>();
        d.select(col).orderBy(col).collectAsList().forEach(r -> out.add(r.getString(0)));
        return out;
    }
}
