package org.speech2face.data;

import org.speech2face.contracts.FloatTensorCodec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Byte-for-byte against files NumPy itself wrote (see src/test/resources/npy/README.md). */
class NpyFormatTest {
    private static byte[] resource(String name) throws IOException {
        try (InputStream in = NpyFormatTest.class.getResourceAsStream("/npy/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void aThreeDimensionalTensorIsTheFileNumpySaves() throws IOException {
        float[] values = new float[12];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 1f;
        }
        assertThat(NpyFormat.float32(FloatTensorCodec.encode(values), 3, 2, 2)).isEqualTo(resource("float32-3x2x2.npy"));
    }

    @Test
    void aVectorHasTheOneElementTupleShape() throws IOException {
        float[] values = {1.5f, -2.25f, 0f, 3.0e-7f, 65504f};
        assertThat(NpyFormat.float32(FloatTensorCodec.encode(values), 5)).isEqualTo(resource("float32-5.npy"));
    }

    @Test
    void aSpectrogramHeaderIsNumpysAndTheDataStartsOnA64ByteBoundary() throws IOException {
        byte[] expected = resource("float32-598x257x2.header");
        byte[] file = NpyFormat.float32(new byte[598 * 257 * 2 * Float.BYTES], 598, 257, 2);
        assertThat(Arrays.copyOf(file, expected.length)).isEqualTo(expected);
        assertThat(expected.length % 64).isZero();
        assertThat(file).hasSize(expected.length + 598 * 257 * 2 * Float.BYTES);
    }

    @Test
    void bytesThatDoNotFillTheShapeAreRefused() {
        assertThatThrownBy(() -> NpyFormat.float32(new byte[10], 3, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Tensor of 10 bytes does not hold shape [3, 2] (24 bytes expected).");
        assertThatThrownBy(() -> NpyFormat.float32(new byte[0], 2, -1))
                .hasMessageContaining("negative dimension");
    }
}
