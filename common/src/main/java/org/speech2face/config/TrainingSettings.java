package org.speech2face.config;

import java.io.Serializable;
import java.util.List;

import org.speech2face.contracts.EncoderVariant;
import org.speech2face.contracts.PriorFusion;

/**
 * How {@code train-decoder} and {@code train-encoder} run: DL4J's parameter averaging on Spark (workers, the
 * minibatch each worker fits, how many minibatches between averaging rounds, prefetch, how the RDD reaches the
 * workers and is cached), the epochs and seed, and which speech-encoder variant is trained. The optimiser is not
 * here: it is the paper's Adam schedule ({@code Networks.paperAdam()}), whose decay counts epochs. The values are
 * checked once, by their keys in {@link ConfigKeys}; this record trusts them.
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

    /**
     * The speech-encoder variant these settings train ({@link EncoderVariant#id()} names its folders); with prior
     * none the fusion is ignored.
     */
    public EncoderVariant encoderVariant() {
        return prior == EncoderVariant.Prior.NONE ? new EncoderVariant(prior, PriorFusion.NONE)
                : new EncoderVariant(prior, fusion);
    }

    /** Binds {@code training.*} and {@code encoder.*}; each value is checked by its key in {@link ConfigKeys}. */
    static TrainingSettings from(Settings s) {
        EncoderVariant.Prior prior = s.get(ConfigKeys.ENCODER_PRIOR);
        PriorFusion configured = s.get(ConfigKeys.ENCODER_FUSION);
        PriorFusion fusion = prior == EncoderVariant.Prior.NONE ? PriorFusion.NONE : configured;
        return new TrainingSettings(
                s.get(ConfigKeys.TRAINING_EPOCHS),
                s.get(ConfigKeys.TRAINING_WORKERS),
                s.get(ConfigKeys.TRAINING_BATCH_PER_WORKER),
                s.get(ConfigKeys.TRAINING_AVERAGING_FREQUENCY),
                s.get(ConfigKeys.TRAINING_PREFETCH),
                s.get(ConfigKeys.TRAINING_APPROACH),
                s.get(ConfigKeys.TRAINING_STORAGE_LEVEL),
                s.get(ConfigKeys.TRAINING_SEED),
                s.get(ConfigKeys.TRAINING_EVAL_EXAMPLES),
                s.get(ConfigKeys.TRAINING_UI_STATS),
                prior,
                fusion);
    }
}
