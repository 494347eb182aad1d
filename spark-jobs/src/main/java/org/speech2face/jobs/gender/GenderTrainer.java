package org.speech2face.jobs.gender;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.evaluation.classification.ConfusionMatrix;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.VoiceGender;
import org.speech2face.jobs.io.TensorRow;
import org.speech2face.jobs.monitoring.TrainingMetrics;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.SpectrogramInput;
import org.speech2face.model.networks.VoiceGenderClassifier;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Trains the voice gender classifier on the executors, like train-decoder and train-encoder: DL4J's parameter
 * averaging (updater state averaged too, so Adam's moments survive each round) over {@code workers} workers that fit
 * {@code frequency} minibatches between averagings. Each epoch is dealt by {@link GenderEpochDeal} into one Spark
 * partition per (round, worker), kept in minibatch order, and each round is one DL4J fit of just its partitions, so
 * every example is fitted exactly once per epoch, on an executor (a GPU one in a GPU stage); the driver only
 * averages. Held-out and training accuracy are measured on the executors too. Examples are rows with {@code male},
 * {@code frames}, {@code bins} and {@code spec}.
 */
final class GenderTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(GenderTrainer.class);

    /** What training did, epoch by epoch. */
    record Result(MultiLayerNetwork net, List<Double> epochLoss, List<Long> epochExamples, long steps,
                  long examplesSeen, long droppedTail, long minibatchesOfOne, long epochsUnaccounted, double seconds) {
    }

    /** Held-out verdicts: counts by true and predicted gender. */
    record Confusion(long maleAsMale, long maleAsFemale, long femaleAsFemale, long femaleAsMale) {
        long total() {
            return maleAsMale + maleAsFemale + femaleAsFemale + femaleAsMale;
        }

        double accuracy() {
            return total() == 0 ? Double.NaN : (maleAsMale + femaleAsFemale) / (double) total();
        }
    }

    private final ModelProfile profile;
    private final S2fConfig.Gender cfg;
    private final int workers;
    private final int frequency;
    private SparkDl4jMultiLayer spark;

    GenderTrainer(ModelProfile profile, S2fConfig.Gender cfg, int workers, int frequency) {
        this.profile = profile;
        this.cfg = cfg;
        this.workers = workers;
        this.frequency = frequency;
    }

    Result train(JavaSparkContext sc, Dataset<Row> examples, long female, long male) {
        MultiLayerNetwork net = VoiceGenderClassifier.create(profile, cfg.seed(), cfg.learningRate(),
                VoiceGenderClassifier.balancedWeights(female, male));
        GenderFitTally tally = new GenderFitTally(sc.sc());
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, 1)
                .batchSizePerWorker(cfg.batchSize()).averagingFrequency(frequency).workerPrefetchNumBatches(0)
                .saveUpdater(true).rddTrainingApproach(RDDTrainingApproach.Direct)
                // the deal has made the partitions; DL4J must fit them as they are
                .repartionData(Repartition.Never).storageLevel(null).rngSeed(cfg.seed()).trainingHooks(tally).build();
        spark = new SparkDl4jMultiLayer(sc, net, master);
        TrainingMetrics metrics = TrainingMetrics.register("train-gender");
        JavaPairRDD<Labelled, Long> indexed = labelled(examples).zipWithIndex()
                .persist(StorageLevel.MEMORY_AND_DISK());
        int n = (int) indexed.count();
        List<Double> losses = new ArrayList<>();
        List<Long> perEpoch = new ArrayList<>();
        long steps = 0;
        long seen = 0;
        long dropped = 0;
        long ofOne = 0;
        long unaccounted = 0;
        long t0 = System.nanoTime();
        try {
            for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
                long e0 = System.nanoTime();
                GenderEpochDeal deal = GenderEpochDeal.of(n, cfg.batchSize(), workers, frequency, cfg.seed(), epoch);
                tally.reset();
                fitEpoch(sc, indexed, deal, epoch);
                net.getLayerWiseConfigurations().setEpochCount(epoch); // DL4J counts each round's fit as an epoch
                long fitted = tally.examples.value();
                if (fitted != deal.kept()) {
                    unaccounted++; // a task was recomputed after an executor was lost, or an example went missing
                    LOG.warn("train-gender: epoch {} fitted {} examples, but dealt {}", epoch, fitted, deal.kept());
                }
                losses.add(tally.meanLoss());
                perEpoch.add(fitted);
                steps += tally.minibatches.value();
                seen += fitted;
                dropped += n - deal.kept();
                ofOne += tally.minibatchesOfOne.value();
                double seconds = (System.nanoTime() - e0) / 1e9;
                metrics.epochDone(epoch, Map.of("minibatch_total", tally.meanLoss()), fitted, fitted / seconds);
                LOG.info(String.format("train-gender: epoch %d/%d, mean minibatch loss %.4f, %d examples in %d "
                                + "minibatches over %d rounds of %d workers, %.1f s", epoch, cfg.epochs(),
                        tally.meanLoss(), fitted, tally.minibatches.value(), deal.rounds(), workers, seconds));
            }
        } finally {
            indexed.unpersist();
        }
        return new Result(spark.getNetwork(), losses, perEpoch, steps, seen, dropped, ofOne, unaccounted,
                (System.nanoTime() - t0) / 1e9);
    }

    /** One epoch: the examples sorted into their slots once, then one DL4J fit per round over that round's slots. */
    private void fitEpoch(JavaSparkContext sc, JavaPairRDD<Labelled, Long> indexed, GenderEpochDeal deal, int epoch) {
        Broadcast<GenderEpochDeal> b = sc.broadcast(deal);
        JavaPairRDD<Long, Labelled> dealt = indexed
                .flatMapToPair(t -> {
                    long key = b.value().sortKey(t._2());
                    return key < 0 ? Collections.emptyIterator() : List.of(new Tuple2<>(key, t._1())).iterator();
                })
                .repartitionAndSortWithinPartitions(new SlotPartitioner(deal.slots(), deal.examples()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            for (int round = 0; round < deal.rounds(); round++) {
                sc.setJobDescription(String.format("train-gender: epoch %d/%d, round %d/%d of parameter averaging",
                        epoch, cfg.epochs(), round + 1, deal.rounds()));
                JavaRDD<DataSet> slots = PartitionPruningRDD.create(dealt.rdd(),
                        new InRound(round * workers, round * workers + deal.workersIn(round))).toJavaRDD()
                        .map(t -> toDataSet(t._2()));
                spark.fit(slots);
            }
        } finally {
            dealt.unpersist(false);
            b.destroy();
        }
    }

    /**
     * Confusion counts of the trained network over {@code examples}, computed on the executors with the project's one
     * decision rule ({@link VoiceGender#MALE_THRESHOLD} on P(male), not DL4J's argmax, which differs at a tie).
     */
    Confusion evaluate(Dataset<Row> examples) {
        JavaRDD<DataSet> data = labelled(examples).map(GenderTrainer::toDataSet);
        if (data.isEmpty()) {
            return new Confusion(0, 0, 0, 0);
        }
        Evaluation e = spark.doEvaluation(data, new Evaluation(VoiceGender.MALE_THRESHOLD), cfg.batchSize());
        ConfusionMatrix<Integer> c = e.getConfusion();
        int m = VoiceGenderClassifier.MALE;
        int f = VoiceGenderClassifier.FEMALE;
        return new Confusion(c.getCount(m, m), c.getCount(m, f), c.getCount(f, f), c.getCount(f, m));
    }

    /**
     * A labelled spectrogram, {@code [frames][bins][2]}: what the examples' rows are reduced to before caching and
     * dealing. A class, not a record: the Kryo of Spark 3.5 cannot serialise records.
     */
    static final class Labelled implements Serializable {
        private static final long serialVersionUID = 1L;
        private final boolean male;
        private final int frames;
        private final int bins;
        private final float[] spec;

        Labelled(boolean male, int frames, int bins, float[] spec) {
            this.male = male;
            this.frames = frames;
            this.bins = bins;
            this.spec = spec;
        }
    }

    /** The examples' rows as labelled spectrograms, read without boxing ({@link TensorRow}). */
    static JavaRDD<Labelled> labelled(Dataset<Row> examples) {
        return TensorRow.map(examples.select("male", "frames", "bins", "spec"), r -> {
            int frames = r.integer("frames");
            int bins = r.integer("bins");
            return new Labelled(r.bool("male"), frames, bins,
                    r.floats("spec", frames, bins, SpectrogramInput.CHANNELS));
        });
    }

    /** One labelled spectrogram as a one-example DataSet in the network's layout. */
    static DataSet toDataSet(Labelled l) {
        float[][] x = {SpectrogramInput.channelsFirst(l.spec, l.frames, l.bins)};
        boolean[] male = {l.male};
        return new DataSet(VoiceGenderClassifier.batch(x), VoiceGenderClassifier.labels(male));
    }

    /** Sends a sort key to its slot's partition. */
    private static final class SlotPartitioner extends org.apache.spark.Partitioner {
        private static final long serialVersionUID = 1L;
        private final int slots;
        private final long examples;

        SlotPartitioner(int slots, long examples) {
            this.slots = slots;
            this.examples = examples;
        }

        @Override
        public int numPartitions() {
            return slots;
        }

        @Override
        public int getPartition(Object key) {
            return (int) ((Long) key / examples);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SlotPartitioner p && p.slots == slots && p.examples == examples;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(slots * 31L + examples);
        }
    }

    /** Keeps the partitions in [from, to): one round's slots. */
    private static final class InRound extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int from;
        private final int to;

        InRound(int from, int to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public Object apply(Object partition) {
            int p = (Integer) partition;
            return p >= from && p < to;
        }
    }
}
