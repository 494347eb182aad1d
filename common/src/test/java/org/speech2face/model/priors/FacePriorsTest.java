package org.speech2face.model.priors;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FacePriorsTest {
    @Test
    void countsAreCappedByWhatExistsWithoutRepeats() {
        assertThat(FacePriors.effectiveCounts(List.of(10, 50, 100, 500), 73)).containsExactly(10, 50, 73);
        assertThat(FacePriors.effectiveCounts(List.of(10, 50), 50)).containsExactly(10, 50);
        assertThat(FacePriors.effectiveCounts(List.of(10, 50), 4)).containsExactly(4);
        assertThat(FacePriors.effectiveCounts(List.of(10, 50), 0)).isEmpty();
    }

    @Test
    void bucketsSplitRanksBetweenConsecutiveCounts() {
        int[] counts = {10, 50, 73};
        assertThat(FacePriors.bucket(0, counts)).isZero();
        assertThat(FacePriors.bucket(9, counts)).isZero();
        assertThat(FacePriors.bucket(10, counts)).isEqualTo(1);
        assertThat(FacePriors.bucket(72, counts)).isEqualTo(2);
        assertThat(FacePriors.bucket(73, counts)).isEqualTo(-1);
    }

    /** Prefix sums of bucket sums against means taken directly in BigDecimal over the first n vectors. */
    @Test
    void meansFromBucketSumsEqualDirectMeans() {
        Random r = new Random(5);
        int dim = 7;
        float[][] faces = new float[40][dim];
        for (float[] f : faces) {
            for (int i = 0; i < dim; i++) {
                f[i] = (float) (r.nextGaussian() * 3 + 1);
            }
        }
        int[] counts = {5, 17, 40};
        double[][] sums = new double[3][];
        long[] sizes = new long[3];
        for (int rank = 0; rank < faces.length; rank++) {
            int b = FacePriors.bucket(rank, counts);
            sums[b] = FacePriors.add(sums[b], faces[rank]);
            sizes[b]++;
        }
        double[][] means = FacePriors.means(counts, sums, sizes);
        for (int k = 0; k < counts.length; k++) {
            for (int i = 0; i < dim; i++) {
                BigDecimal s = BigDecimal.ZERO;
                for (int j = 0; j < counts[k]; j++) {
                    s = s.add(new BigDecimal(faces[j][i]));
                }
                double exact = s.divide(BigDecimal.valueOf(counts[k]), MathContext.DECIMAL128).doubleValue();
                assertThat(means[k][i]).isCloseTo(exact, within(1e-13));
            }
        }
    }

    @Test
    void aBucketOfTheWrongSizeIsABug() {
        assertThatThrownBy(() -> FacePriors.means(new int[] {2, 5}, new double[][] {{1}, {2}}, new long[] {2, 2}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("holds 2 faces, not 3");
    }

    @Test
    void l1IsTheUnnormalisedSumOfAbsoluteDifferences() {
        assertThat(FacePriors.l1(new double[] {1, -2, 3}, new double[] {0.5, 1, 3})).isEqualTo(3.5);
        assertThat(FacePriors.merge(new double[0], new double[] {1, 2})).containsExactly(1, 2);
    }
}
