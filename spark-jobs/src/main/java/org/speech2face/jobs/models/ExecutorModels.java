package org.speech2face.jobs.models;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Networks loaded once per executor JVM and shared by its tasks. Shipping a VGG16 inside every task would send
 * half a gigabyte per partition; instead a task names the weights (their id) and the first task on each executor
 * loads them. One model per kind is kept: asking for new weights of a kind drops the old ones.
 */
public final class ExecutorModels {
    private static final Map<String, Map.Entry<String, Object>> LOADED = new HashMap<>();
    private static final Map<String, Integer> LOADS = new HashMap<>();

    private ExecutorModels() {
    }

    /** The model of {@code kind} with weights {@code id}, loading it with {@code loader} if this JVM has not. */
    @SuppressWarnings("unchecked")
    public static synchronized <T> T get(String kind, String id, Supplier<T> loader) {
        Map.Entry<String, Object> e = LOADED.get(kind);
        if (e == null || !e.getKey().equals(id)) {
            LOADED.remove(kind); // let the old weights go before the new ones are allocated
            e = Map.entry(id, loader.get());
            LOADED.put(kind, e);
            LOADS.merge(kind, 1, Integer::sum);
        }
        return (T) e.getValue();
    }

    /** How many times a model of {@code kind} has been loaded in this JVM (for the logs and tests). */
    public static synchronized int loads(String kind) {
        return LOADS.getOrDefault(kind, 0);
    }
}
