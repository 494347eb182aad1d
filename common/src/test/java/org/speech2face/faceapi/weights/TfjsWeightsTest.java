package org.speech2face.faceapi.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reader on a manifest and shards this test writes itself: a uint8-quantised HWIO kernel, a uint16-quantised
 * vector, a float32 dense matrix and an int32 scalar, split over three shards with one tensor straddling a shard
 * boundary. Expected values are computed here independently, in double, from the same integers.
 */
class TfjsWeightsTest {
    @TempDir
    Path dir;

    @Test
    void readsQuantisedAndFloatTensorsAcrossShards() throws IOException {
        double scale8 = 0.013725490309298038;
        double min8 = -1.7529411315917969;
        double scale16 = 3.0517578125e-5;
        double min16 = -0.25;
        ByteBuffer all = ByteBuffer.allocate(2 * 2 * 3 * 4 + 5 * 2 + 3 * 2 * 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 48; i++) {
            all.put((byte) (i * 5 + 3)); // 3 .. 238, including values above 127 (unsigned)
        }
        int[] q16 = {0, 1, 40000, 65535, 12345};
        for (int q : q16) {
            all.putShort((short) q);
        }
        float[] dense = {0.5f, -1.25f, 3.0e-7f, 1e6f, -0.0f, 42f};
        for (float f : dense) {
            all.putFloat(f);
        }
        all.putInt(-7);
        byte[] bytes = all.array();
        // three shards: the boundaries cut through the uint16 vector and the dense matrix
        Files.write(dir.resolve("m.bin"), java.util.Arrays.copyOfRange(bytes, 0, 51));
        Files.write(dir.resolve("m2.bin"), java.util.Arrays.copyOfRange(bytes, 51, 70));
        Files.write(dir.resolve("m3.bin"), java.util.Arrays.copyOfRange(bytes, 70, bytes.length));
        Files.writeString(dir.resolve("m-weights_manifest.json"), """
                [{"paths": ["m.bin", "m2.bin", "m3.bin"], "weights": [
                  {"name": "conv/filters", "shape": [2, 2, 3, 4], "dtype": "float32",
                   "quantization": {"dtype": "uint8", "scale": %s, "min": %s}},
                  {"name": "scale/weights", "shape": [5], "dtype": "float32",
                   "quantization": {"dtype": "uint16", "scale": %s, "min": %s}},
                  {"name": "fc", "shape": [3, 2], "dtype": "float32"},
                  {"name": "axis", "shape": [], "dtype": "int32"}
                ]}]
                """.formatted(scale8, min8, scale16, min16));

        TfjsWeights w = TfjsWeights.read(dir.resolve("m-weights_manifest.json"));

        TfjsTensor k = w.get("conv/filters").requireShape(2, 2, 3, 4);
        for (int i = 0; i < 48; i++) {
            assertThat(k.values()[i]).isEqualTo((float) ((i * 5 + 3) * scale8 + min8));
        }
        TfjsTensor s = w.get("scale/weights");
        for (int i = 0; i < q16.length; i++) {
            assertThat(s.values()[i]).isEqualTo((float) (q16[i] * scale16 + min16));
        }
        assertThat(w.get("fc").values()).containsExactly(dense);
        assertThat(w.get("axis").shape()).isEmpty();
        assertThat(w.get("axis").values()).containsExactly(-7f);
        assertThat(w.all().keySet()).containsExactly("conv/filters", "scale/weights", "fc", "axis");

        // HWIO [2,2,3,4] -> OIHW [4,3,2,2]: element (h,w,i,o) lands at (o,i,h,w)
        INDArray oihw = TfLayouts.hwioToOihw(k);
        assertThat(oihw.shape()).containsExactly(4, 3, 2, 2);
        for (int h = 0; h < 2; h++) {
            for (int x = 0; x < 2; x++) {
                for (int i = 0; i < 3; i++) {
                    for (int o = 0; o < 4; o++) {
                        assertThat(oihw.getFloat(o, i, h, x)).isEqualTo(k.values()[((h * 2 + x) * 3 + i) * 4 + o]);
                    }
                }
            }
        }
        INDArray fc = TfLayouts.dense(w.get("fc"));
        assertThat(fc.getFloat(2, 1)).isEqualTo(42f); // [in, out] row-major, as DL4J's dense layer
        assertThat(fc.getFloat(0, 1)).isEqualTo(-1.25f);
    }

    @Test
    void namesTheProblemWithBadFiles() throws IOException {
        Path manifest = dir.resolve("x-weights_manifest.json");
        Files.writeString(manifest, """
                [{"paths": ["x.bin"], "weights": [{"name": "a", "shape": [4], "dtype": "float32"}]}]""");
        assertThatThrownBy(() -> TfjsWeights.read(manifest)).hasMessageContaining("x.bin")
                .hasMessageContaining("missing");

        Files.write(dir.resolve("x.bin"), new byte[12]);
        assertThatThrownBy(() -> TfjsWeights.read(manifest))
                .hasMessageContaining("end inside tensor 'a'").hasMessageContaining("needs 16 bytes, 12 left");

        Files.write(dir.resolve("x.bin"), new byte[20]);
        assertThatThrownBy(() -> TfjsWeights.read(manifest)).hasMessageContaining("4 bytes more");

        Files.writeString(manifest, """
                [{"paths": ["../x.bin"], "weights": []}]""");
        assertThatThrownBy(() -> TfjsWeights.read(manifest)).hasMessageContaining("outside its own folder");

        Files.writeString(manifest, """
                [{"paths": ["x.bin"], "weights": [{"name": "a", "shape": [5], "dtype": "float32",
                  "quantization": {"dtype": "float16"}}]}]""");
        assertThatThrownBy(() -> TfjsWeights.read(manifest)).hasMessageContaining("'float16'");

        Files.writeString(manifest, "{not json");
        assertThatThrownBy(() -> TfjsWeights.read(manifest)).hasMessageContaining("not valid JSON");

        Files.write(dir.resolve("x.bin"), new byte[16]);
        Files.writeString(manifest, """
                [{"paths": ["x.bin"], "weights": [{"name": "a", "shape": [4], "dtype": "float32"}]}]""");
        TfjsWeights ok = TfjsWeights.read(manifest);
        assertThatThrownBy(() -> ok.get("b")).hasMessageContaining("no tensor 'b'");
        assertThatThrownBy(() -> ok.get("a").requireShape(2, 2)).hasMessageContaining("[4]")
                .hasMessageContaining("[2, 2]");
    }
}
