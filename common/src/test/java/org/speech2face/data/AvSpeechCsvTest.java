package org.speech2face.data;

import org.speech2face.contracts.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvSpeechCsvTest {
    private static List<AvSpeechCsv.Row> rows(String text) {
        List<AvSpeechCsv.Row> out = new ArrayList<>();
        AvSpeechCsv.rows("drop.csv", new StringReader(text)).forEachRemaining(out::add);
        return out;
    }

    private static AvSpeechCsv.Row one(String line) {
        List<AvSpeechCsv.Row> r = rows(line);
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    @Test
    void parsesAnAvSpeechRowAndDerivesTheClipId() {
        AvSpeechSegment s = one("AvPeTSSg_Yo,90.023000,93.126000,0.571875,0.2\r\n").segment();
        assertThat(s.youtubeId()).isEqualTo("AvPeTSSg_Yo");
        assertThat(s.startS()).isEqualTo(90.023);
        assertThat(s.endS()).isEqualTo(93.126);
        assertThat(s.hintX()).isEqualTo(0.571875);
        assertThat(s.clipId()).isEqualTo("AvPeTSSg_Yo_90023");
        assertThat(s.line()).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "AvPeTSSg_Yo,1.0,2.0,0.5|MALFORMED_ROW|the row has 4 fields",
            "AvPeTSSg_Yo,1.0,2.0,0.5,0.5,9|MALFORMED_ROW|the row has 6 fields",
            "AvPeTSSg_Yo,,2.0,0.5,0.5|MALFORMED_ROW|start_seconds is empty",
            "AvPeTSSg_Yo,NaN,2.0,0.5,0.5|MALFORMED_ROW|start_seconds 'NaN' is not a plain decimal number",
            "AvPeTSSg_Yo,Infinity,2.0,0.5,0.5|MALFORMED_ROW|start_seconds 'Infinity' is not a plain decimal",
            "AvPeTSSg_Yo,1f,2.0,0.5,0.5|MALFORMED_ROW|start_seconds '1f' is not a plain decimal number",
            "AvPeTSSg_Yo,1.0,0x1p1,0.5,0.5|MALFORMED_ROW|end_seconds '0x1p1' is not a plain decimal number",
            "AvPeTSSg_Yo,1.0,2.0,0.5d,0.5|MALFORMED_ROW|x '0.5d' is not a plain decimal number",
            "AvPeTSSg_Yo,abc,2.0,0.5,0.5|MALFORMED_ROW|'abc' is not a plain decimal number",
            "AvPeTSSg_Yo,5.0,2.0,0.5,0.5|MALFORMED_ROW|end_seconds 2.0 is not after start_seconds 5.0",
            "AvPeTSSg_Yo,-1.0,2.0,0.5,0.5|MALFORMED_ROW|start_seconds -1.0 is negative",
            "AvPeTSSg_Yo,1.0,2.0,1.5,0.5|MALFORMED_ROW|outside [0, 1]",
            "AvPeTSSg_Yo,1e400,2.0,0.5,0.5|MALFORMED_ROW|'1e400' is not a plain decimal number",
            "AvPeTSSg_Yo,\"1.0\"x,2.0,0.5,0.5|MALFORMED_ROW|text after the closing quote of field 2",
            "AvPeTSSg_Yo,1\"0,2.0,0.5,0.5|MALFORMED_ROW|field 2 has a quote but does not start with one",
            "../../etc/p,1.0,2.0,0.5,0.5|UNSAFE_ID|'../../etc/p'",
            "..%2F..%2Fxx,1.0,2.0,0.5,0.5|UNSAFE_ID|is not 11 characters",
            "short,1.0,2.0,0.5,0.5|UNSAFE_ID|'short'",
            "/etc/passwd,1.0,2.0,0.5,0.5|UNSAFE_ID|'/etc/passwd'",
    })
    void rejectsBadRowsWithAStableReasonAndAMessageNamingFileLineAndValue(String line, String reason, String message) {
        AvSpeechCsv.Row r = rows("AvPeTSSg_Yo,0,1,0.5,0.5\n\n" + line + "\n").get(1);
        assertThat(r.segment()).isNull();
        assertThat(r.reject().reason()).isEqualTo(RejectReason.valueOf(reason));
        assertThat(r.reject().getMessage()).startsWith("drop.csv line 3: ").contains(message);
        assertThat(r.line()).isEqualTo(3);
    }

    @Test
    void quotedFieldsAreUnquotedAsRfc4180Says() {
        AvSpeechSegment s = one("\"AvPeTSSg_Yo\",\"90.5\", \"93.0\" ,0.5,\"0.25\"").segment();
        assertThat(s.youtubeId()).isEqualTo("AvPeTSSg_Yo");
        assertThat(s.startS()).isEqualTo(90.5);
        assertThat(s.endS()).isEqualTo(93.0);
        assertThat(s.hintY()).isEqualTo(0.25);
        // A quoted comma or a doubled quote is part of the field: here it makes the id unsafe, not a sixth field.
        AvSpeechCsv.Row r = one("\"AvPe,TSSg_Yo\",1,2,0.5,0.5");
        assertThat(r.reject().reason()).isEqualTo(RejectReason.UNSAFE_ID);
        assertThat(r.reject().getMessage()).contains("'AvPe,TSSg_Yo'");
        assertThat(one("\"AvPe\"\"TSSg_Y\",1,2,0.5,0.5").reject().getMessage()).contains("'AvPe\"TSSg_Y'");
    }

    @Test
    void aQuotedLineBreakKeepsTheLineNumbersOfLaterRowsRight() {
        List<AvSpeechCsv.Row> r = rows("AvPeTSSg_Yo,1,2,0.5,0.5\r\n\"two\r\nlines\",1,2,0.5,0.5\r\nAvPeTSSg_Yo,3,4,0.5,0.5\r\n");
        assertThat(r).extracting(AvSpeechCsv.Row::line).containsExactly(1L, 2L, 4L);
        assertThat(r.get(1).reject().getMessage()).startsWith("drop.csv line 2: ").contains("'two\\u000d\\u000alines'");
        assertThat(r.get(2).segment().line()).isEqualTo(4);
    }

    @Test
    void aQuoteLeftOpenSpoilsOnlyItsOwnLine() {
        List<AvSpeechCsv.Row> r = rows("AvPeTSSg_Yo,1,2,0.5,0.5\n\"AvPeTSSg_Yo,3,4,0.5,0.5\nAvPeTSSg_Yo,5,6,0.5,0.5\n");
        assertThat(r).hasSize(3);
        assertThat(r.get(1).reject().reason()).isEqualTo(RejectReason.MALFORMED_ROW);
        assertThat(r.get(1).reject().getMessage()).startsWith("drop.csv line 2: ")
                .contains("quoted field opened on this line is not closed");
        assertThat(r.get(1).raw()).isEqualTo("\"AvPeTSSg_Yo,3,4,0.5,0.5");
        assertThat(r.get(2).line()).isEqualTo(3);
        assertThat(r.get(2).segment().startS()).isEqualTo(5.0);
    }

    @Test
    void anOverlongLineIsOneRejectAndReadingGoesOn() {
        String longLine = "x".repeat(CsvRecords.MAX_CHARS + 10);
        List<AvSpeechCsv.Row> r = rows(longLine + "\nAvPeTSSg_Yo,5,6,0.5,0.5\n\"" + longLine + "\nAvPeTSSg_Yo,7,8,0.5,0.5");
        assertThat(r).extracting(AvSpeechCsv.Row::line).containsExactly(1L, 2L, 3L, 4L);
        assertThat(r.get(0).reject().getMessage()).contains("longer than " + CsvRecords.MAX_CHARS);
        assertThat(r.get(2).reject().getMessage()).contains("not closed within " + CsvRecords.MAX_CHARS);
        assertThat(r.get(3).segment().startS()).isEqualTo(7.0);
    }

    @Test
    void aHeaderIsSkippedOnlyAsTheFirstRecordOfAFile() {
        AvSpeechCsv.Rows it = AvSpeechCsv.rows("drop.csv", new StringReader(
                "\uFEFF\n youtube_id,start_seconds,end_seconds,x,y\nAvPeTSSg_Yo,1,2,0.5,0.5\n\n"));
        List<AvSpeechCsv.Row> r = new ArrayList<>();
        it.forEachRemaining(r::add);
        assertThat(r).hasSize(1);
        assertThat(r.get(0).line()).isEqualTo(3);
        assertThat(it.headerLine()).isEqualTo(2);
        assertThat(it.blankLines()).isEqualTo(2);
        assertThat(one("\"YouTube ID\",\"Start (s)\",\"End (s)\",\"X\",\"Y\"\nAvPeTSSg_Yo,1,2,0.5,0.5").segment())
                .isNotNull();
        // A second header, e.g. from two files joined with cat, is a row like any other.
        List<AvSpeechCsv.Row> joined = rows("youtube_id,start,end,x,y\nAvPeTSSg_Yo,1,2,0.5,0.5\nyoutube_id,start,end,x,y\n");
        assertThat(joined).hasSize(2);
        assertThat(joined.get(1).reject().reason()).isEqualTo(RejectReason.MALFORMED_ROW);
        assertThat(joined.get(1).reject().getMessage()).startsWith("drop.csv line 3: ").contains("looks like a header");
        // A first row of garbage is not a header.
        assertThat(rows("!!,##,$$,%%,^^\n")).hasSize(1);
    }

    @Test
    void startAndEndAreBoundedSoTheClipIdsMillisecondsAreExact() {
        assertThat(one("AvPeTSSg_Yo,86399.5,86400,0.5,0.5").segment().clipId()).isEqualTo("AvPeTSSg_Yo_86399500");
        for (String times : List.of("86400,86400.001", "9223372036854775.807,9223372036854775.808",
                "9223372036854775807,9223372036854775808", "1e300,2e300", "0,1e19")) {
            AvSpeechCsv.Row r = one("AvPeTSSg_Yo," + times + ",0.5,0.5");
            assertThat(r.segment()).as(times).isNull();
            assertThat(r.reject().reason()).isEqualTo(RejectReason.MALFORMED_ROW);
            assertThat(r.reject().getMessage()).contains("is beyond 86400 s (24 h)");
        }
        assertThat(one("AvPeTSSg_Yo,-0.001,1,0.5,0.5").reject().getMessage()).contains("is negative");
        assertThatThrownBy(() -> new AvSpeechSegment(1, "AvPeTSSg_Yo", 9.223372036854776E15, 9.3E15, 0.5, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond 86400 s");
        assertThatThrownBy(() -> new AvSpeechSegment(1, "AvPeTSSg_Yo", Double.NaN, 1, 0.5, 0.5))
                .hasMessageContaining("must be finite");
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

    @Test
    void plainDecimalsAreTheOnlyNumbers() {
        for (String ok : List.of("0", "12", "-3", "+4", "0.5", ".5", "5.", "1e-05", "2E3", " 7 ")) {
            assertThat(PlainDecimal.parse(ok)).as(ok).isPresent();
        }
        for (String bad : List.of("", "1f", "1d", "0x10", "0x1p1", "NaN", "Infinity", "-Infinity", "1,5", "1e", "e5",
                "1e99999", "1_000", "٣")) {
            assertThat(PlainDecimal.parse(bad)).as(bad).isEmpty();
        }
    }
}
