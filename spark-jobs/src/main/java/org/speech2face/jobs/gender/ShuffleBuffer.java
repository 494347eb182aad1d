package org.speech2face.jobs.gender;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Shuffles a stream that is too large to hold: keeps {@code capacity} items and, once full, hands out a random one
 * for each new one taken in. Rows reach the driver a partition at a time, so without this every batch would hold
 * neighbours from one partition (often one video).
 */
final class ShuffleBuffer<T> {
    private final List<T> items;
    private final int capacity;
    private final Random random;

    /** @param capacity at least one batch ({@code gender.shuffle-buffer}, checked by the config) */
    ShuffleBuffer(int capacity, Random random) {
        this.items = new ArrayList<>(capacity);
        this.capacity = capacity;
        this.random = random;
    }

    /** Takes {@code item}; returns a random held item once the buffer is full, else null. */
    T offer(T item) {
        if (items.size() < capacity) {
            items.add(item);
            return null;
        }
        int i = random.nextInt(capacity);
        T out = items.get(i);
        items.set(i, item);
        return out;
    }

    /** What is left, in random order; the buffer is empty afterwards. */
    List<T> drain() {
        List<T> out = new ArrayList<>(items);
        Collections.shuffle(out, random);
        items.clear();
        return out;
    }
}
