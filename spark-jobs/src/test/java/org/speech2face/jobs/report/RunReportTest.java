package org.speech2face.jobs.report;

import org.junit.jupiter.api.Test;
import org.speech2face.jobs.stage.KeyedStageJob;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunReportTest {
    enum Mine implements Counter { ROWS_IN, WRITTEN }

    enum Other implements Counter { WRITTEN, ELSEWHERE }

    @Test
    void declaredCountersStartAtZeroInOrderAndCanBeSetAndAdded() {
        RunReport r = new RunReport("ingest-faces", "run", List.of(Mine.values()));
        assertThat(r.counts()).containsExactly(java.util.Map.entry("rows_in", 0L), java.util.Map.entry("written", 0L));
        r.count(Mine.ROWS_IN, 5).add(Mine.WRITTEN, 2).add(Mine.WRITTEN, 1);
        assertThat(r.count(Mine.ROWS_IN)).isEqualTo(5);
        assertThat(r.count(Mine.WRITTEN)).isEqualTo(3);
        assertThat(r.toJson()).contains("\"rows_in\" : 5");
    }

    @Test
    void aCounterTheStageDoesNotDeclareIsAnErrorNotAZero() {
        RunReport r = new RunReport("ingest-faces", "run", List.of(Mine.values()));
        assertThatThrownBy(() -> r.count(Other.ELSEWHERE)).hasMessageContaining("does not count elsewhere")
                .hasMessageContaining("[rows_in, written]");
        // the same key from another stage's declaration is another counter
        assertThatThrownBy(() -> r.count(Other.WRITTEN)).hasMessageContaining("Other.WRITTEN");
        assertThatThrownBy(() -> r.count(KeyedStageJob.Counts.WRITTEN, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCounterDeclaredTwiceIsRefused() {
        assertThatThrownBy(() -> new RunReport("x", "run", List.of(Mine.WRITTEN, Other.WRITTEN)))
                .hasMessageContaining("declares the counter written twice");
    }
}
