package org.speech2face.jobs.gender;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deal of train-gender's epochs, checked by doing what DL4J's workers then do: sort each slot's examples by the
 * deal's key and cut them into minibatches of the batch size. Every example must be fitted once (but the one that
 * would be alone in a minibatch), each minibatch must be one of the deal's, with at least two examples, and no worker
 * may get more minibatches than it fits between two averagings.
 */
class GenderEpochDealTest {

    @Test
    void everyExampleIsFittedOnceInWholeMinibatchesOfTwoOrMore() {
        for (int n : new int[]{2, 3, 7, 16, 17, 20, 33, 100, 101}) {
            for (int batch : new int[]{2, 3, 8}) {
                for (int workers : new int[]{1, 2, 5}) {
                    for (int frequency : new int[]{1, 3}) {
                        check(GenderEpochDeal.of(n, batch, workers, frequency, 7, 3));
                    }
                }
            }
        }
    }

    private static void check(GenderEpochDeal d) {
        String what = String.format("%d examples, batch %d, %d workers, frequency %d", d.examples(), d.batchSize(),
                d.workers(), d.frequency());
        Map<Integer, List<Integer>> bySlot = new TreeMap<>();
        int out = 0;
        for (int i = 0; i < d.examples(); i++) {
            int slot = d.slot(i);
            if (slot < 0) {
                out++;
                continue;
            }
            assertThat(slot).as(what).isBetween(0, d.slots() - 1);
            assertThat(d.sortKey(i) / d.examples()).as("%s: the key's slot", what).isEqualTo((long) slot);
            bySlot.computeIfAbsent(slot, k -> new ArrayList<>()).add(i);
        }
        assertThat(out).as(what).isEqualTo(d.examples() - d.kept()).isLessThanOrEqualTo(1);
        assertThat(d.examples() % d.batchSize() == 1).as(what).isEqualTo(out == 1);

        List<Integer> batchesSeen = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : bySlot.entrySet()) {
            int round = e.getKey() / d.workers();
            assertThat(e.getKey() % d.workers()).as("%s: only the round's workers get slots", what)
                    .isLessThan(d.workersIn(round));
            List<Integer> sorted = e.getValue().stream().sorted(Comparator.comparingLong(i -> d.sortKey(i))).toList();
            int minibatches = 0;
            for (int from = 0; from < sorted.size(); from += d.batchSize()) { // DL4J's worker batching
                List<Integer> mb = sorted.subList(from, Math.min(sorted.size(), from + d.batchSize()));
                assertThat(mb.size()).as("%s: minibatch size", what).isGreaterThanOrEqualTo(2);
                int batch = d.place()[mb.get(0)] / d.batchSize();
                assertThat(mb).as("%s: one of the deal's minibatches", what)
                        .allMatch(i -> d.place()[i] / d.batchSize() == batch);
                batchesSeen.add(batch);
                minibatches++;
            }
            assertThat(minibatches).as("%s: minibatches of one worker in one round", what).isLessThanOrEqualTo(d.frequency());
        }
        assertThat(batchesSeen).as(what).doesNotHaveDuplicates().hasSize(d.minibatches());
        // every slot the rounds plan for holds examples, so no worker is handed an empty partition
        int planned = IntStream.range(0, d.rounds()).map(d::workersIn).sum();
        assertThat(bySlot).as(what).hasSize(planned);
    }

    @Test
    void theDealIsTheSameForTheSameEpochAndDiffersBetweenEpochs() {
        GenderEpochDeal a = GenderEpochDeal.of(50, 4, 2, 1, 7, 3);
        assertThat(GenderEpochDeal.of(50, 4, 2, 1, 7, 3).place()).isEqualTo(a.place());
        assertThat(GenderEpochDeal.of(50, 4, 2, 1, 7, 4).place()).isNotEqualTo(a.place());
        assertThat(a.place()).containsExactlyInAnyOrder(IntStream.range(0, 50).toArray());
    }

    @Test
    void fewerThanTwoExamplesAreRefusedWithASentence() {
        assertThatThrownBy(() -> GenderEpochDeal.of(1, 16, 2, 1, 7, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("train-gender needs at least 2 labelled training voices of the network's shape; there are 1.");
    }
}
