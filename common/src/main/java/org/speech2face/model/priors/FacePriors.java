package org.speech2face.model.priors;

import java.util.ArrayList;
import java.util.List;

/**
 * The face priors of AR-SPM section 3.1: the mean VGGFace feature of n faces, for a growing list of n, and Table 1's
 * convergence rows between consecutive n. Faces arrive ranked (rank 0 first); each draw of n is ranks 0..n-1, so a
 * Spark job sums each face once into the bucket between two consecutive n, and the prefix sums of the buckets give
 * every mean: one pass for all n. Everything here is double precision.
 */
public final class FacePriors {
    private FacePriors() {
    }

    /**
     * The face counts actually used, given the requested ones and {@code available} faces: each n capped at what
     * exists, duplicates dropped (so 10, 50, 100 over 30 faces gives 10, 30).
     */
    public static int[] effectiveCounts(List<Integer> requested, long available) {
        List<Integer> out = new ArrayList<>();
        for (int n : requested) {
            int capped = (int) Math.min(n, available);
            if (capped > 0 && (out.isEmpty() || out.get(out.size() - 1) < capped)) {
                out.add(capped);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The bucket of a face of rank {@code rank}: the first k with {@code rank < counts[k]}, or -1 if none. */
    public static int bucket(long rank, int[] counts) {
        for (int k = 0; k < counts.length; k++) {
            if (rank < counts[k]) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Means for each count from per-bucket sums: {@code mean[k] = (sum of buckets 0..k) / counts[k]}. Bucket k must
     * hold exactly {@code counts[k] - counts[k-1]} faces; a mismatch means the ranks were not 0..n-1.
     */
    public static double[][] means(int[] counts, double[][] bucketSums, long[] bucketSizes) {
        if (bucketSums.length != counts.length || bucketSizes.length != counts.length) {
            throw new IllegalArgumentException(counts.length + " counts but " + bucketSums.length + " bucket sums and "
                    + bucketSizes.length + " bucket sizes.");
        }
        for (int k = 0; k < counts.length; k++) {
            long expected = counts[k] - (k == 0 ? 0 : counts[k - 1]);
            if (bucketSizes[k] != expected || bucketSums[k] == null) {
                throw new IllegalStateException("Bucket " + k + " (ranks up to " + counts[k] + ") holds "
                        + bucketSizes[k] + " faces, not " + expected + ".");
            }
        }
        int dim = bucketSums[0].length;
        double[] running = new double[dim];
        double[][] out = new double[counts.length][];
        for (int k = 0; k < counts.length; k++) {
            double[] mean = new double[dim];
            for (int i = 0; i < dim; i++) {
                running[i] += bucketSums[k][i];
                mean[i] = running[i] / counts[k];
            }
            out[k] = mean;
        }
        return out;
    }

    /** Adds {@code x} to the running double-precision {@code sum}; returns the sum (allocated on first use). */
    public static double[] add(double[] sum, float[] x) {
        double[] s = sum == null || sum.length == 0 ? new double[x.length] : sum;
        if (s.length != x.length) {
            throw new IllegalArgumentException("A feature of " + x.length + " values cannot join a sum of " + s.length
                    + ".");
        }
        for (int i = 0; i < x.length; i++) {
            s[i] += x[i];
        }
        return s;
    }

    /** Adds two running sums (either may be empty); returns the result, reusing {@code a} when it can. */
    public static double[] merge(double[] a, double[] b) {
        if (a == null || a.length == 0) {
            return b;
        }
        if (b == null || b.length == 0) {
            return a;
        }
        if (a.length != b.length) {
            throw new IllegalArgumentException("Sums of " + a.length + " and " + b.length + " values cannot be merged.");
        }
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    /**
     * Table 1's distance: the L1 norm of the difference, {@code sum_i |a_i - b_i|}, not divided by the dimension.
     * The paper's figures fall as sqrt(1/n2 - 1/n1) with a constant factor (about 115 for all six rows), which is
     * what this un-normalised sum over nested draws does; divide by the dimension to compare profiles.
     */
    public static double l1(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("Priors of " + a.length + " and " + b.length + " values cannot be compared.");
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s;
    }
}
