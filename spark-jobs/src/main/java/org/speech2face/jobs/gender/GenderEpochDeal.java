package org.speech2face.jobs.gender;

import java.io.Serializable;
import java.util.Random;

/**
 * How one epoch of train-gender's examples is dealt out for DL4J's parameter averaging, so that every example is
 * fitted exactly once and no minibatch holds a single example (batch normalisation needs two). A seeded shuffle puts
 * example {@code i} (its index in the cached training set) at position {@code place[i]}; positions are cut into
 * minibatches of {@code batchSize}, minibatches into rounds of {@code workers x frequency}, and a round's minibatches
 * go to its workers in turn. Each (round, worker) is one Spark partition, a <i>slot</i>, holding at most
 * {@code frequency} whole minibatches, which the worker fits before the round's parameters are averaged. When
 * {@code examples mod batchSize} is 1, the example at the last position sits this epoch out (another one next epoch).
 * The deal depends only on the seed and the epoch, so a rerun deals as the first run did.
 */
final class GenderEpochDeal implements Serializable { // a class, not a record: Kryo broadcasts it
    private static final long serialVersionUID = 1L;
    private final int examples;
    private final int batchSize;
    private final int workers;
    private final int frequency;
    private final int[] place;

    private GenderEpochDeal(int examples, int batchSize, int workers, int frequency, int[] place) {
        this.examples = examples;
        this.batchSize = batchSize;
        this.workers = workers;
        this.frequency = frequency;
        this.place = place;
    }

    int examples() {
        return examples;
    }

    int batchSize() {
        return batchSize;
    }

    int workers() {
        return workers;
    }

    int frequency() {
        return frequency;
    }

    /** The shuffled position of each example. */
    int[] place() {
        return place;
    }

    /** The deal of epoch {@code epoch} (1-based) for {@code examples} training examples. */
    static GenderEpochDeal of(int examples, int batchSize, int workers, int frequency, long seed, int epoch) {
        if (examples < 2) {
            throw new IllegalArgumentException("train-gender needs at least 2 labelled training voices of the "
                    + "network's shape; there are " + examples + ".");
        }
        int[] place = new int[examples];
        for (int i = 0; i < examples; i++) {
            place[i] = i;
        }
        Random r = new Random(seed * 1_000_003L + epoch);
        for (int i = examples - 1; i > 0; i--) { // Fisher-Yates
            int j = r.nextInt(i + 1);
            int t = place[i];
            place[i] = place[j];
            place[j] = t;
        }
        return new GenderEpochDeal(examples, batchSize, workers, frequency, place);
    }

    /** Examples fitted this epoch: all, or all but the one that would make a minibatch of one. */
    int kept() {
        return examples % batchSize == 1 ? examples - 1 : examples;
    }

    int minibatches() {
        return (kept() + batchSize - 1) / batchSize;
    }

    private int perRound() {
        return workers * frequency;
    }

    int rounds() {
        return (minibatches() + perRound() - 1) / perRound();
    }

    /** Workers that get minibatches in {@code round}: all of them but perhaps in the last round. */
    int workersIn(int round) {
        return Math.min(workers, minibatches() - round * perRound());
    }

    /** Spark partitions of the epoch: a slot for each worker of each round. */
    int slots() {
        return rounds() * workers;
    }

    /** The slot (round x workers + worker) of example {@code index}, or -1 when it sits this epoch out. */
    int slot(long index) {
        int position = place[(int) index];
        if (position >= kept()) {
            return -1;
        }
        int batch = position / batchSize;
        int round = batch / perRound();
        return round * workers + (batch % perRound()) % workersIn(round);
    }

    /** The key example {@code index} is sorted by: its slot, then its position, so minibatches stay whole. */
    long sortKey(long index) {
        return (long) slot(index) * examples + place[(int) index];
    }
}
