package org.speech2face.jobs.train;

import java.util.Random;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import scala.Tuple2;

/**
 * DL4J's parameter averaging with every example of an epoch fitted exactly once. DL4J cuts an epoch into
 * {@code floor(examples / (workers x batch x averaging frequency))} rounds, so a round usually holds more examples
 * than its workers fit: each worker stops after {@code averaging frequency} minibatches and silently skips the rest
 * of its partition (9 examples, 2 workers of 4: one round, one example skipped every epoch). Here an epoch is dealt
 * into {@code ceil(...)} rounds instead, by a seeded shuffle: every round but the last is exactly full, and DL4J's
 * balanced repartitioning then gives no worker more than it fits. The deal of each epoch depends only on the seed
 * and the epoch ({@link #dealEpoch}), so a resumed run deals its epochs as an uninterrupted one would have.
 */
class ExactRoundsTrainingMaster extends ParameterAveragingTrainingMaster {
    private final long seed;

    ExactRoundsTrainingMaster(Builder builder, long seed) {
        super(builder);
        this.seed = seed;
    }

    /** Makes the next fit deal its examples as epoch {@code epoch} (1-based) always does. */
    void dealEpoch(int epoch) {
        rng = new Random(seed * 1_000_003L + epoch);
    }

    @Override
    protected <T> JavaRDD<T>[] getSplitRDDs(JavaRDD<T> data, int totalObjects, int examplesPerObject) {
        int perRound = getNumDataSetObjectsPerSplit(examplesPerObject);
        int rounds = Math.max(1, (totalObjects + perRound - 1) / perRound);
        int[] position = new int[totalObjects];
        for (int i = 0; i < totalObjects; i++) {
            position[i] = i;
        }
        Random r = new Random(rng.nextLong());
        for (int i = totalObjects - 1; i > 0; i--) { // Fisher-Yates: example i goes to place position[i]
            int j = r.nextInt(i + 1);
            int t = position[i];
            position[i] = position[j];
            position[j] = t;
        }
        Broadcast<int[]> places = JavaSparkContext.fromSparkContext(data.context()).broadcast(position);
        JavaPairRDD<T, Long> indexed = data.zipWithIndex();
        @SuppressWarnings("unchecked")
        JavaRDD<T>[] out = new JavaRDD[rounds];
        for (int k = 0; k < rounds; k++) {
            out[k] = indexed.filter(new InRound<>(places, perRound, k)).keys();
        }
        return out;
    }

    /** Whether an indexed example's shuffled place falls in round {@code round}. */
    private record InRound<T>(Broadcast<int[]> places, int perRound, int round) implements Function<Tuple2<T, Long>, Boolean> {
        @Override
        public Boolean call(Tuple2<T, Long> indexed) {
            return places.getValue()[(int) (long) indexed._2()] / perRound == round;
        }
    }
}
