package org.speech2face.jobs.train;

import java.util.List;
import java.util.Locale;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.speech2face.config.TrainingSettings;

/**
 * DL4J's {@link ParameterAveragingTrainingMaster} from {@code training.*} (as {@link TrainableAveragingMaster}, an
 * {@link ExactRoundsTrainingMaster}). Each example is one RDD element, so an averaging round deals up to
 * {@code workers x batch-per-worker x averaging-frequency} examples to the workers, which fit them in minibatches and
 * send back their trainable parameters and Adam's moments ({@code saveUpdater}), averaged on the driver.
 */
final class TrainingMasters {
    private TrainingMasters() {
    }

    /** The workers the master plans for: the configured number, or Spark's default parallelism. */
    static int workers(TrainingSettings s, JavaSparkContext sc) {
        return s.workers() > 0 ? s.workers() : Math.max(1, sc.defaultParallelism());
    }

    /** The Spark storage level named by {@code training.storage-level}. */
    static StorageLevel storageLevel(TrainingSettings s) {
        return StorageLevel.fromString(s.storageLevel());
    }

    /**
     * The master for one run. {@code seed} fixes how each epoch's examples are dealt into rounds (see
     * {@link ExactRoundsTrainingMaster#dealEpoch}); {@code exportDir}
     * is where the export approach writes its minibatches.
     */
    static TrainableAveragingMaster create(TrainingSettings s, int workers, long seed, String exportDir,
                                                   List<TrainingHook> hooks) {
        ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(workers, 1)
                .batchSizePerWorker(s.batchPerWorker())
                .averagingFrequency(s.averagingFrequency())
                .workerPrefetchNumBatches(s.prefetch())
                .saveUpdater(true)
                .storageLevel(s.storageLevel().equals("NONE") ? null : storageLevel(s))
                .rngSeed(seed)
                .trainingHooks(hooks);
        if (s.approach() == TrainingSettings.Approach.EXPORT) {
            b.rddTrainingApproach(RDDTrainingApproach.Export).exportDirectory(exportDir);
        } else {
            b.rddTrainingApproach(RDDTrainingApproach.Direct);
        }
        return new TrainableAveragingMaster(b, seed);
    }

    /**
     * Refuses the export approach where its minibatch files would land on each executor's own disk: a master other
     * than {@code local[...]} with an export directory on {@code file:}. Executors write minibatches there and any
     * executor may be asked to read them.
     */
    static void checkApproach(TrainingSettings s, String master, Path exportDir, Configuration conf) throws java.io.IOException {
        if (s.approach() != TrainingSettings.Approach.EXPORT) {
            return;
        }
        String scheme = exportDir.getFileSystem(conf).getUri().getScheme();
        boolean local = master.toLowerCase(Locale.ROOT).startsWith("local[") || master.equalsIgnoreCase("local");
        if (!local && "file".equals(scheme)) {
            throw new IllegalArgumentException("training.approach = export writes minibatches under " + exportDir
                    + ", a file: path that each executor of " + master + " would see on its own disk; use "
                    + "training.approach = direct, or a data.root on a shared file system (hdfs:, s3a:).");
        }
    }
}
