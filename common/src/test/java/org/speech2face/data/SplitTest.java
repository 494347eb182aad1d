package org.speech2face.data;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SplitTest {
    @Test
    void matchesThePythonFormulaForAKnownId() {
        // python3 -c "import hashlib;print(int.from_bytes(hashlib.sha256(b'AvPeTSSg_Yo').digest()[:4],'big')%10000)"
        assertThat(Split.fraction("AvPeTSSg_Yo")).isEqualTo(PythonReference.AVPETSSG_YO / 10_000.0);
    }

    @Test
    void assignsByIdWithTheConfiguredProportions() {
        Random r = new Random(1);
        Map<Split, Integer> n = new EnumMap<>(Split.class);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder id = new StringBuilder();
            for (int k = 0; k < 11; k++) {
                id.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            Split s = Split.of(id.toString(), 0.8, 0.1);
            assertThat(Split.of(id.toString(), 0.8, 0.1)).isEqualTo(s);
            n.merge(s, 1, Integer::sum);
        }
        assertThat(n.get(Split.TRAIN) / 20_000.0).isBetween(0.79, 0.81);
        assertThat(n.get(Split.VAL) / 20_000.0).isBetween(0.09, 0.11);
        assertThat(n.get(Split.TEST) / 20_000.0).isBetween(0.09, 0.11);
    }

    /** Values printed by the Python one-liner in the javadoc of {@link Split}. */
    static final class PythonReference {
        static final int AVPETSSG_YO = 844;
    }
}
