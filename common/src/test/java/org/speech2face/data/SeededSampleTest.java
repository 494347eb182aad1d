package org.speech2face.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeededSampleTest {
    @Test
    void matchesThePythonRecipeInItsJavadoc() {
        // python3: int.from_bytes(hashlib.sha256(f"{seed}:{clip_id}".encode()).digest()[:8], 'big', signed=True)
        assertThat(SeededSample.key(2020, "rhTuvqCdmPG_0")).isEqualTo(-7786353445669187942L);
        assertThat(SeededSample.key(7, "abcdefghijk_1500")).isEqualTo(263573520165066206L);
        assertThat(SeededSample.key(-3, "x")).isEqualTo(4763200847953735639L);
    }

    @Test
    void anotherSeedIsAnotherOrder() {
        assertThat(SeededSample.key(1, "rhTuvqCdmPG_0")).isNotEqualTo(SeededSample.key(2, "rhTuvqCdmPG_0"));
    }
}
