package org.speech2face.jobs.train;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

/**
 * DL4J's training-UI statistics ({@code training.ui-stats}): a {@link StatsListener} on every worker, whose reports
 * come back with each averaging round's results and go into a {@link FileStatsStorage} on the driver. That MapDB
 * store (a file plus its write-ahead log) needs a local disk, so it is written in a temporary folder on the driver
 * and copied to the data root when the run ends; open the copied {@value #FILE} with DL4J's
 * {@code UIServer.getInstance().attach(new FileStatsStorage(file))}.
 */
final class UiStats implements AutoCloseable {
    static final String FILE = "stats.mapdb";

    private final java.nio.file.Path local;
    private final FileStatsStorage storage;
    private final Path target;
    private final Configuration conf;

    private UiStats(java.nio.file.Path local, Path target, Configuration conf) {
        this.local = local;
        this.storage = new FileStatsStorage(local.resolve(FILE).toFile());
        this.target = target;
        this.conf = conf;
    }

    /** Statistics for one run, to end up in the folder {@code target}; null when {@code enabled} is false. */
    static UiStats open(boolean enabled, Path target, Configuration conf) throws IOException {
        return enabled ? new UiStats(Files.createTempDirectory("s2f-ui-stats-"), target, conf) : null;
    }

    /** Puts the listener on the workers of {@code net}. */
    void attach(SparkComputationGraph net) {
        net.setListeners(storage, List.of(new StatsListener(null, 1))); // every minibatch: rounds are short
    }

    /** Closes the store (committing its log) and copies its files into the target folder. */
    @Override
    public void close() throws IOException {
        storage.close();
        FileSystem fs = target.getFileSystem(conf);
        fs.mkdirs(target);
        File[] files = local.toFile().listFiles();
        for (File f : files == null ? new File[0] : files) {
            fs.copyFromLocalFile(true, true, new Path(f.toURI()), new Path(target, f.getName()));
        }
        Files.deleteIfExists(local);
    }
}
