package org.speech2face.contracts;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FloatTensorCodecTest {
    @Test
    void writesLittleEndianFloat32ThatAnyReaderCanDecode() {
        float[] v = {1.0f, -2.5f, Float.MIN_VALUE, 3.4e38f, 0f};
        byte[] b = FloatTensorCodec.encode(v);
        assertThat(b).hasSize(20);
        // 1.0f is 0x3F800000: little-endian puts 0x00 0x00 0x80 0x3F.
        assertThat(new byte[]{b[0], b[1], b[2], b[3]}).containsExactly(0, 0, (byte) 0x80, 0x3F);
        assertThat(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getFloat(4)).isEqualTo(-2.5f);
        assertThat(FloatTensorCodec.decode(b, 5)).containsExactly(v);
        assertThat(FloatTensorCodec.decode(FloatTensorCodec.encode(new double[]{0.1, 2}), 2, 1))
                .containsExactly(0.1f, 2f);
    }

    @Test
    void refusesBytesThatDoNotMatchTheShape() {
        byte[] b = FloatTensorCodec.encode(new float[6]);
        assertThat(FloatTensorCodec.decode(b, 2, 3)).hasSize(6);
        assertThatThrownBy(() -> FloatTensorCodec.decode(b, 598, 257, 2))
                .hasMessageContaining("24 bytes").hasMessageContaining("[598, 257, 2]");
        assertThatThrownBy(() -> FloatTensorCodec.decode(null, 1)).hasMessageContaining("null");
    }
}
