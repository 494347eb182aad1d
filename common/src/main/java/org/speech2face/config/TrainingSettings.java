package org.speech2face.config;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

import org.speech2face.contracts.EncoderVariant;
import org.speech2face.contracts.PriorFusion;

/**
 * How {@code train-decoder} and {@code train-encoder} run: DL4J's parameter averaging on Spark (workers, the
 * minibatch each worker fits, how many minibatches between averaging rounds, prefetch, how the RDD reaches the
 * workers and is cached), the epochs and seed, and which speech-encoder variant is trained. The optimiser is not
 * here: it is the paper's Adam schedule ({@code Networks.paperAdam()}), whose decay counts epochs.
 *
 * @param epochs             epochs to reach; a resumed run trains only the ones its checkpoints lack
 * @param workers            parallel workers of the training master, 0 for Spark's default parallelism
 * @param batchPerWorker     examples per minibatch on one worker (the paper's batch is 16 on one GPU)
 * @param averagingFrequency minibatches each worker fits between two averaging rounds
 * @param prefetch           minibatches a worker prepares ahead of the one it fits (0: none)
 * @param approach           {@code DIRECT} ships examples through Spark; {@code EXPORT} writes minibatches to the
 *                           data root's file system first (needs a file system every executor shares)
 * @param storageLevel       Spark storage level of the example RDDs, e.g. {@code MEMORY_ONLY_SER}
 * @param seed               seeds fresh weights and the per-epoch split of the data into averaging rounds
 * @param evalExamples       training examples the per-epoch loss terms are measured on, 0 for all of them
 * @param uiStats            also record DL4J's training-UI statistics (a {@code FileStatsStorage} file)
 * @param prior              the encoder variant's prior ({@code encoder.prior})
 * @param fusion             the encoder variant's fusion ({@code encoder.fusion}); ignored with prior none
 */
public record TrainingSettings(int epochs, int workers, int batchPerWorker, int averagingFrequency, int prefetch,
                               Approach approach, String storageLevel, long seed, int evalExamples, boolean uiStats,
                               EncoderVariant.Prior prior, PriorFusion fusion) implements Serializable {

    /** DL4J's {@code RDDTrainingApproach}, without a Spark import in this module. */
    public enum Approach { DIRECT, EXPORT }

    /** Spark's named storage levels ({@code StorageLevel.fromString} accepts exactly these). */
    public static final List<String> STORAGE_LEVELS = List.of("NONE", "DISK_ONLY", "DISK_ONLY_2", "DISK_ONLY_3",
            "MEMORY_ONLY", "MEMORY_ONLY_2", "MEMORY_ONLY_SER", "MEMORY_ONLY_SER_2", "MEMORY_AND_DISK",
            "MEMORY_AND_DISK_2", "MEMORY_AND_DISK_SER", "MEMORY_AND_DISK_SER_2", "OFF_HEAP");

    public TrainingSettings {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1; got " + epochs + ".");
        }
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be 0 (Spark's default parallelism) or more; got "
                    + workers + ".");
        }
        if (batchPerWorker < 1) {
            throw new IllegalArgumentException("batchPerWorker must be at least 1; got " + batchPerWorker + ".");
        }
        if (averagingFrequency < 1) {
            throw new IllegalArgumentException("averagingFrequency must be at least 1 minibatch; got "
                    + averagingFrequency + ".");
        }
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must be 0 or more minibatches; got " + prefetch + ".");
        }
        if (evalExamples < 0) {
            throw new IllegalArgumentException("evalExamples must be 0 (every training example) or more; got "
                    + evalExamples + ".");
        }
        if (approach == null) {
            throw new IllegalArgumentException("approach must be direct or export; got null.");
        }
        storageLevel = storageLevel == null ? "" : storageLevel.trim().toUpperCase(Locale.ROOT);
        if (!STORAGE_LEVELS.contains(storageLevel)) {
            throw new IllegalArgumentException("storageLevel must be one of " + String.join(", ", STORAGE_LEVELS)
                    + "; got '" + storageLevel + "'.");
        }
        encoderVariant(prior, fusion); // validates the pair
    }

    /** The speech-encoder variant these settings train ({@link EncoderVariant#id()} names its folders). */
    public EncoderVariant encoderVariant() {
        return encoderVariant(prior, fusion);
    }

    private static EncoderVariant encoderVariant(EncoderVariant.Prior prior, PriorFusion fusion) {
        if (prior == null || fusion == null) {
            throw new IllegalArgumentException("prior and fusion must both be set; got " + prior + " and " + fusion + ".");
        }
        return prior == EncoderVariant.Prior.NONE ? new EncoderVariant(prior, PriorFusion.NONE)
                : new EncoderVariant(prior, fusion);
    }

    /** Binds {@code training.*} and {@code encoder.*}; every failure names its key. */
    static TrainingSettings from(Settings s) {
        String p = "training.";
        EncoderVariant variant = encoderKeys(s);
        Approach approach = s.oneOf(p + "approach", Approach.class);
        return s.record("training", () -> new TrainingSettings(
                s.intIn(p + "epochs", 1, 100_000),
                s.intIn(p + "workers", 0, 1_000_000),
                s.intIn(p + "batch-per-worker", 1, 1_000_000),
                s.intIn(p + "averaging-frequency", 1, 1_000_000),
                s.intIn(p + "prefetch", 0, 10_000),
                approach,
                s.string(p + "storage-level"),
                s.longIn(p + "seed"),
                s.intIn(p + "eval-examples", 0, Integer.MAX_VALUE),
                s.bool(p + "ui-stats"),
                variant.prior(),
                variant.fusion()));
    }

    private static EncoderVariant encoderKeys(Settings s) {
        String prior = s.string("encoder.prior");
        String fusion = s.string("encoder.fusion");
        try {
            EncoderVariant.Prior.parse(prior);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("Config key 'encoder.prior' is invalid: " + e.getMessage(), e);
        }
        try {
            return EncoderVariant.of(prior, fusion);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("Config key 'encoder.fusion' is invalid: " + e.getMessage(), e);
        }
    }
}
