package org.speech2face.data;

import org.speech2face.contracts.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AvSpeechCsvTest {
    @Test
    void parsesAnAvSpeechRowAndDerivesTheClipId() throws RejectException {
        AvSpeechSegment s = AvSpeechCsv.parse(3, "AvPeTSSg_Yo,90.023000,93.126000,0.571875,0.2\r");
        assertThat(s.youtubeId()).isEqualTo("AvPeTSSg_Yo");
        assertThat(s.startS()).isEqualTo(90.023);
        assertThat(s.endS()).isEqualTo(93.126);
        assertThat(s.hintX()).isEqualTo(0.571875);
        assertThat(s.clipId()).isEqualTo("AvPeTSSg_Yo_90023");
        assertThat(s.line()).isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "AvPeTSSg_Yo,1.0,2.0,0.5|MALFORMED_ROW|has 4 fields",
            "AvPeTSSg_Yo,1.0,2.0,0.5,0.5,9|MALFORMED_ROW|has 6 fields",
            "AvPeTSSg_Yo,,2.0,0.5,0.5|MALFORMED_ROW|start_seconds is empty",
            "AvPeTSSg_Yo,NaN,2.0,0.5,0.5|MALFORMED_ROW|start_seconds is nan",
            "AvPeTSSg_Yo,abc,2.0,0.5,0.5|MALFORMED_ROW|'abc' is not a number",
            "AvPeTSSg_Yo,5.0,2.0,0.5,0.5|MALFORMED_ROW|end_seconds 2.0 is not after start_seconds 5.0",
            "AvPeTSSg_Yo,-1.0,2.0,0.5,0.5|MALFORMED_ROW|is negative",
            "AvPeTSSg_Yo,1.0,2.0,1.5,0.5|MALFORMED_ROW|outside [0, 1]",
            "../../etc/p,1.0,2.0,0.5,0.5|UNSAFE_ID|'../../etc/p'",
            "..%2F..%2Fxx,1.0,2.0,0.5,0.5|UNSAFE_ID|is not 11 characters",
            "short,1.0,2.0,0.5,0.5|UNSAFE_ID|'short'",
            "/etc/passwd,1.0,2.0,0.5,0.5|UNSAFE_ID|'/etc/passwd'",
    })
    void rejectsBadRowsWithAStableReasonAndAMessageNamingTheValue(String line, String reason, String message) {
        RejectException e = catchThrowableOfType(() -> AvSpeechCsv.parse(7, line), RejectException.class);
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(RejectReason.valueOf(reason));
        assertThat(e.getMessage()).startsWith("Line 7").contains(message);
    }

    @Test
    void blankLinesAreNotRows() {
        assertThat(AvSpeechCsv.isBlank("  \r")).isTrue();
        assertThat(AvSpeechCsv.isBlank("a")).isFalse();
    }

    @Test
    void unsafeIdsNeverBuildASegment() {
        assertThatThrownBy(() -> new AvSpeechSegment(1, "../../../..", 0, 1, 0.5, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../../../..");
        assertThat(YoutubeId.printable("a\nb")).isEqualTo("a\\u000ab");
    }

    @Test
    void reasonCodesAreStableLowerCaseNames() {
        assertThat(RejectReason.NO_FACE.code()).isEqualTo("no_face");
        assertThat(RejectReason.fromCode("segment_out_of_range")).isEqualTo(RejectReason.SEGMENT_OUT_OF_RANGE);
        assertThatThrownBy(() -> RejectReason.fromCode("nope")).hasMessageContaining("'nope'");
    }
}
