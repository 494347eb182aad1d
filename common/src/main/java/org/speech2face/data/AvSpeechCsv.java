package org.speech2face.data;

import org.speech2face.contracts.RejectReason;

import java.io.Reader;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * The reader for AVSpeech's CSV contract: {@code youtube_id,start_seconds,end_seconds,x,y}, RFC 4180 quoting, plain
 * decimal numbers. Every record of a file becomes a segment or a {@link RejectException} that says what is wrong
 * with it; only blank lines and a header line are not rows. docs/inputs.md describes the format for users.
 */
public final class AvSpeechCsv {
    /** The columns, in order. */
    public static final List<String> COLUMNS = List.of("youtube_id", "start_seconds", "end_seconds", "x", "y");

    /** A column name in a header: a letter, then letters, digits, blanks, '_', '-' or parentheses. */
    private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_ ()-]*");

    private AvSpeechCsv() {
    }

    /**
     * One row of a file: a segment, or why it cannot be one.
     *
     * @param line    1-based line the row starts on
     * @param raw     the row as written
     * @param segment the segment, or null
     * @param reject  why there is no segment, or null
     */
    public record Row(long line, String raw, AvSpeechSegment segment, RejectException reject) {
    }

    /**
     * The rows of one file, in order. Blank lines are not rows; nor is a header, recognised only as the first
     * record of a file whose last four fields are all column names (e.g. {@code youtube_id,start,end,x,y}).
     */
    public static final class Rows implements Iterator<Row> {
        private final String file;
        private final CsvRecords records;
        private long headerLine;
        private long blankLines;
        private boolean first = true;
        private Row next;

        Rows(String file, Reader in) {
            this.file = file;
            this.records = new CsvRecords(in);
        }

        @Override
        public boolean hasNext() {
            while (next == null && records.hasNext()) {
                CsvRecords.Record r = records.next();
                if (r.isBlank()) {
                    blankLines++;
                    continue;
                }
                boolean wasFirst = first;
                first = false;
                if (wasFirst && isHeader(r)) {
                    headerLine = r.line();
                    continue;
                }
                next = row(file, r);
            }
            return next != null;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = next;
            next = null;
            return r;
        }

        /** The line of the header skipped so far, or 0 when there was none. */
        public long headerLine() {
            return headerLine;
        }

        /** Blank lines skipped so far. */
        public long blankLines() {
            return blankLines;
        }
    }

    /** The rows of the CSV file named {@code file} (its name is used in messages), read from {@code in}. */
    public static Rows rows(String file, Reader in) {
        return new Rows(file, in);
    }

    static boolean isHeader(CsvRecords.Record r) {
        if (r.problem() != null || r.fields().size() != COLUMNS.size()) {
            return false;
        }
        for (String f : r.fields().subList(1, COLUMNS.size())) {
            if (!COLUMN_NAME.matcher(f.strip()).matches()) {
                return false;
            }
        }
        return true;
    }

    private static Row row(String file, CsvRecords.Record r) {
        try {
            if (r.problem() != null) {
                throw malformed(file, r.line(), r.problem());
            }
            if (isHeader(r)) {
                throw malformed(file, r.line(), "the row looks like a header (column names); a header is only skipped "
                        + "as the first row of a file");
            }
            return new Row(r.line(), r.raw(), parse(file, r.line(), r.fields()), null);
        } catch (RejectException e) {
            return new Row(r.line(), r.raw(), null, e);
        }
    }

    /**
     * The segment of one record's fields.
     *
     * @param file  the file's name, for messages
     * @param line  the record's 1-based line, for messages
     * @throws RejectException {@code unsafe_id} for an id that cannot be a file name, else {@code malformed_row}
     */
    public static AvSpeechSegment parse(String file, long line, List<String> fields) throws RejectException {
        if (fields.size() != COLUMNS.size()) {
            throw malformed(file, line, "the row has " + fields.size() + " fields; AVSpeech rows have 5 ("
                    + String.join(",", COLUMNS) + ")");
        }
        String id = fields.get(0);
        if (!YoutubeId.isSafe(id)) {
            throw new RejectException(RejectReason.UNSAFE_ID, where(file, line) + "youtube_id '"
                    + YoutubeId.printable(id) + "' is not 11 characters of A-Z, a-z, 0-9, '_' or '-', so no file is "
                    + "looked up for it.");
        }
        double start = number(file, line, COLUMNS.get(1), fields.get(1));
        double end = number(file, line, COLUMNS.get(2), fields.get(2));
        double x = number(file, line, COLUMNS.get(3), fields.get(3));
        double y = number(file, line, COLUMNS.get(4), fields.get(4));
        String times = AvSpeechSegment.timesProblem(start, end);
        if (times != null) {
            throw malformed(file, line, times);
        }
        if (x < 0 || x > 1 || y < 0 || y > 1) {
            throw malformed(file, line, "the face hint (" + x + ", " + y + ") is outside [0, 1]");
        }
        return new AvSpeechSegment(line, id, start, end, x, y);
    }

    private static double number(String file, long line, String field, String raw) throws RejectException {
        if (raw.isBlank()) {
            throw malformed(file, line, field + " is empty");
        }
        OptionalDouble v = PlainDecimal.parse(raw);
        if (v.isEmpty()) {
            throw malformed(file, line, field + " '" + YoutubeId.printable(raw.strip())
                    + "' is not a plain decimal number");
        }
        return v.getAsDouble();
    }

    private static String where(String file, long line) {
        return file + " line " + line + ": ";
    }

    private static RejectException malformed(String file, long line, String what) {
        return new RejectException(RejectReason.MALFORMED_ROW, where(file, line) + what + ".");
    }
}
