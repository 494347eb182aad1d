package org.speech2face.jobs.evaluate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AgeLabelsTest {
    @Test
    void yearsFallIntoThePapersGroupsAndGroupNamesPassThrough() {
        assertThat(AgeLabels.group("34.9")).isEqualTo("young");
        assertThat(AgeLabels.group("35")).isEqualTo("mid-age");
        assertThat(AgeLabels.group("65")).isEqualTo("mid-age");
        assertThat(AgeLabels.group("65.5")).isEqualTo("elder");
        assertThat(AgeLabels.group(" Elder ")).isEqualTo("elder");
        assertThat(AgeLabels.group("mid-age")).isEqualTo("mid-age");
        assertThat(AgeLabels.group("unknown")).isNull();
        assertThat(AgeLabels.group("-3")).isNull();
        assertThat(AgeLabels.group("NaN")).isNull();
        assertThat(AgeLabels.group(null)).isNull();
    }
}
