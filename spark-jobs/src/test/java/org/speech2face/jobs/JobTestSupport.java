package org.speech2face.jobs;

import org.apache.spark.sql.SparkSession;
import org.speech2face.config.ConfigLoader;
import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.report.RunReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Config, run and file helpers shared by the stage tests (all of which run on {@code SharedSpark}'s session). */
public final class JobTestSupport {
    private JobTestSupport() {
    }

    /** A config for a test data root: local[2], two shuffle partitions, random VGGFace weights, plus {@code hocon}. */
    public static S2fConfig config(Path root, String hocon, String... sets) throws IOException {
        Path conf = Files.createTempFile("s2f-test", ".conf");
        Files.writeString(conf, "data.root = \"" + root + "\"\nspark.master = \"local[2]\"\n"
                + "spark.conf { \"spark.sql.shuffle.partitions\" = \"2\" }\nprogress.interval-seconds = 60\n"
                + "vggface.weights = \"random:42\"\n" + hocon + "\n");
        return ConfigLoader.load(conf.toString(), List.of(sets));
    }

    public static RunReport run(SparkSession spark, SparkJob job, S2fConfig cfg) throws Exception {
        return job.run(new JobContext(spark, cfg, JobContext.newRunId(), false, OptionalLong.empty()));
    }

    /** Every regular file under {@code dir}, reports excluded (each run adds its own). */
    public static Set<Path> dataFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return new TreeSet<>();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/_reports/"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
