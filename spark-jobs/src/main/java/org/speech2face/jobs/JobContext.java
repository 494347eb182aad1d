package org.speech2face.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every stage of one s2f invocation shares: the session, the validated config, a run id that names staging
 * folders and reports, and the launcher's --dry-run, --limit and rerun switches.
 */
public record JobContext(SparkSession spark, S2fConfig config, String runId, boolean dryRun, OptionalLong limit,
                         RerunSelection rerun) {

    public JobContext(SparkSession spark, S2fConfig config, String runId, boolean dryRun, OptionalLong limit) {
        this(spark, config, runId, dryRun, limit, RerunSelection.NONE);
    }

    public static String newRunId() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT))
                + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }

    public DataLayout layout() {
        return new DataLayout(config.dataRoot());
    }

    public Configuration hadoopConf() {
        return spark.sparkContext().hadoopConfiguration();
    }

    public FileSystem fs(Path path) throws IOException {
        return path.getFileSystem(hadoopConf());
    }
}
