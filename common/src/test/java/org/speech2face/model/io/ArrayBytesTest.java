package org.speech2face.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The raw format: the array's own bytes behind a short header, and ND4J's own format read behind its marker. */
class ArrayBytesTest {

    @Test
    void theBytesAreTheArraysOwnBehindAShortHeader() throws Exception {
        INDArray a = Nd4j.rand(DataType.FLOAT, 1000, 1000);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ArrayBytes.write(a, b);
        assertThat(b.size()).isBetween(4_000_000, 4_000_100);
        assertThat(b.toByteArray()[0]).isEqualTo((byte) 1); // raw on the CPU backend
        assertThat(ArrayBytes.read(new ByteArrayInputStream(b.toByteArray()))).isEqualTo(a);
    }

    @Test
    void whatNd4jWroteIsReadToo() throws Exception {
        INDArray a = Nd4j.rand(DataType.FLOAT, 7, 9);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeByte(2); // the fallback's marker, then ND4J's own format
        Nd4j.write(a, out);
        assertThat(ArrayBytes.read(new ByteArrayInputStream(b.toByteArray()))).isEqualTo(a);
    }
}
