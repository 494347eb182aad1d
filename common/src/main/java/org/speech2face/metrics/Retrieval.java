package org.speech2face.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Retrieval of the speaker from a face, by SF2F's protocol (Bai et al., "Speech Fusion to Face"): a gallery of the
 * first {@value #GALLERY_IDENTITIES} test identities (here in ascending order of their id), each represented by the
 * mean of its real faces' embeddings under an independent face recogniser; every generated face of those identities
 * is a query, ranked against the gallery by cosine similarity; Recall@K is the share of queries whose own identity
 * is among the K most similar. Guessing scores K / N on average for N identities (1 once K reaches N), which every
 * figure must be read against. In double precision.
 *
 * <p>Rank: 1 + the number of gallery identities strictly more similar to the query than its own, so an exact tie
 * counts in the query's favour (exact ties only arise from identical embeddings).
 */
public final class Retrieval {
    /** SF2F's gallery: the first 100 test identities. */
    public static final int GALLERY_IDENTITIES = 100;
    /** SF2F's K. */
    public static final List<Integer> KS = List.of(1, 5, 10);

    private final List<String> ids;
    private final double[][] means;

    private Retrieval(List<String> ids, double[][] means) {
        this.ids = List.copyOf(ids);
        this.means = means;
    }

    /**
     * The gallery of the first {@code limit} identities (in ascending order of id) of {@code realFaces}, each the
     * mean of its embeddings.
     *
     * @throws IllegalArgumentException when there is no identity, or embeddings differ in length
     */
    public static Retrieval gallery(Map<String, List<float[]>> realFaces, int limit) {
        TreeMap<String, List<float[]>> sorted = new TreeMap<>(realFaces);
        sorted.values().removeIf(List::isEmpty);
        if (sorted.isEmpty() || limit < 1) {
            throw new IllegalArgumentException("A retrieval gallery needs at least one identity with a real face;"
                    + " got " + sorted.size() + " (limit " + limit + ").");
        }
        List<String> ids = new ArrayList<>();
        List<double[]> means = new ArrayList<>();
        int dim = -1;
        for (Map.Entry<String, List<float[]>> e : sorted.entrySet()) {
            if (ids.size() == limit) {
                break;
            }
            double[] sum = null;
            for (float[] v : e.getValue()) {
                if (dim < 0) {
                    dim = v.length;
                }
                if (v.length != dim) {
                    throw new IllegalArgumentException("Embeddings of " + dim + " and " + v.length
                            + " values cannot share a gallery.");
                }
                if (sum == null) {
                    sum = new double[dim];
                }
                for (int i = 0; i < dim; i++) {
                    sum[i] += v[i];
                }
            }
            for (int i = 0; i < dim; i++) {
                sum[i] /= e.getValue().size();
            }
            ids.add(e.getKey());
            means.add(sum);
        }
        return new Retrieval(ids, means.toArray(new double[0][]));
    }

    /** The gallery's identities, in order. */
    public List<String> identities() {
        return ids;
    }

    /** N, the number of identities. */
    public int size() {
        return ids.size();
    }

    /** An identity's mean embedding (a copy). */
    public double[] mean(String identity) {
        int i = ids.indexOf(identity);
        if (i < 0) {
            throw new IllegalArgumentException("Identity '" + identity + "' is not in the gallery.");
        }
        return means[i].clone();
    }

    /** Whether a query of {@code identity} is ranked (its identity is in the gallery). */
    public boolean contains(String identity) {
        return ids.contains(identity);
    }

    /** The 1-based rank of {@code identity} for the query embedding. */
    public int rank(float[] query, String identity) {
        int truth = ids.indexOf(identity);
        if (truth < 0) {
            throw new IllegalArgumentException("Identity '" + identity + "' is not in the gallery.");
        }
        double own = cosine(query, means[truth]);
        int rank = 1;
        for (int g = 0; g < means.length; g++) {
            if (g != truth && cosine(query, means[g]) > own) {
                rank++;
            }
        }
        return rank;
    }

    /** Recall@K of a set of queries: how many there were, and the share ranked within K for each of {@link #KS}. */
    public record Recall(int queries, int gallery, Map<Integer, Double> atK) {
        /** What guessing scores: K / N, at most 1. */
        public double chance(int k) {
            return Math.min(1.0, k / (double) gallery);
        }
    }

    /**
     * Recall@K of {@code queries} (embedding, identity); those whose identity is not in the gallery are left out.
     * With no query left, every recall is NaN.
     */
    public Recall recall(List<float[]> embeddings, List<String> identities) {
        if (embeddings.size() != identities.size()) {
            throw new IllegalArgumentException(embeddings.size() + " query embeddings but " + identities.size()
                    + " identities.");
        }
        int n = 0;
        int[] hits = new int[KS.size()];
        for (int q = 0; q < embeddings.size(); q++) {
            if (!contains(identities.get(q))) {
                continue;
            }
            int rank = rank(embeddings.get(q), identities.get(q));
            n++;
            for (int k = 0; k < KS.size(); k++) {
                hits[k] += rank <= KS.get(k) ? 1 : 0;
            }
        }
        Map<Integer, Double> atK = new LinkedHashMap<>();
        for (int k = 0; k < KS.size(); k++) {
            atK.put(KS.get(k), n == 0 ? Double.NaN : hits[k] / (double) n);
        }
        return new Recall(n, size(), atK);
    }

    private static double cosine(float[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("A query of " + a.length + " values cannot be ranked against a gallery"
                    + " of " + b.length + "-value embeddings.");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += b[i] * b[i];
        }
        double d = Math.sqrt(na * nb);
        return d == 0 ? 0 : dot / d;
    }

    @Override
    public String toString() {
        return "Retrieval gallery of " + ids.size() + " identities " + Arrays.toString(ids.toArray());
    }
}
