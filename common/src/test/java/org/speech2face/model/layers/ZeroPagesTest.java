package org.speech2face.model.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** A released view reads as zeros, its neighbours keep their values, and the memory leaves the resident set. */
class ZeroPagesTest {

    @Test
    void releasedViewReadsZerosNeighboursStayAndMemoryIsGivenBack() throws IOException {
        long n = 48L << 20; // 192 MB of floats
        INDArray all = Nd4j.ones(DataType.FLOAT, 1, n + 3000);
        INDArray view = all.get(NDArrayIndex.interval(0, 0, true), NDArrayIndex.interval(1000, 1000 + n));
        long before = residentKb();
        long released = ZeroPages.release(view);
        long after = residentKb();
        assertThat(view.sumNumber().doubleValue()).isZero();
        assertThat(view.maxNumber().doubleValue()).isZero();
        assertThat(all.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 1000)).minNumber().doubleValue()).isEqualTo(1.0);
        assertThat(all.get(NDArrayIndex.point(0), NDArrayIndex.interval(1000 + n, n + 3000)).minNumber().doubleValue())
                .isEqualTo(1.0);
        assertThat(released).as("bytes given back").isGreaterThan(4 * n - (256 << 10));
        assertThat(before - after).as("resident KiB given back").isGreaterThan(4 * n / 1024 / 2);
        view.addi(0); // reading and rewriting the zeros keeps the values
        assertThat(view.sumNumber().doubleValue()).isZero();
    }

    private static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring("VmRSS:".length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("No VmRSS line in /proc/self/status.");
    }
}
