package org.speech2face.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Splits a character stream into CSV records the way RFC 4180 does: fields separated by commas, a field in double
 * quotes may hold commas, line breaks and doubled quotes ({@code ""}). Line breaks are LF, CRLF or CR; a leading byte
 * order mark is dropped. Each record carries the number of the line it starts on, so messages point at the right
 * line even after a quoted line break.
 *
 * <p>Two departures make a hand-edited file fail one row at a time instead of all at once: a record longer than
 * {@link #MAX_CHARS} (a quote that is never closed, or a binary file) and a quote left open at the end of the file
 * become a {@linkplain Record#problem() problem} of the line they start on, and reading resumes on the next line; and
 * blanks around a quoted field are allowed.
 */
public final class CsvRecords implements Iterator<CsvRecords.Record> {
    /** The longest record read as one; an AVSpeech row is about 50 characters. */
    public static final int MAX_CHARS = 8192;

    /**
     * One record.
     *
     * @param line    1-based line number of its first character
     * @param raw     its text as written, without the final line break (at most {@link #MAX_CHARS} characters)
     * @param fields  the fields, unquoted; empty when {@code problem} is set
     * @param problem why the text is not a record (a sentence fragment), or null
     */
    public record Record(long line, String raw, List<String> fields, String problem) {
        /** A record of nothing but blanks: not a row. */
        public boolean isBlank() {
            return problem == null && raw.isBlank();
        }
    }

    private final Reader in;
    /** Characters read ahead and given back after a failed record: read before {@link #in}. */
    private final StringBuilder pending = new StringBuilder();
    private int pendingPos;
    private long line = 1;
    private boolean started;
    private boolean eof;
    private Record next;

    public CsvRecords(Reader in) {
        this.in = in;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !eof) {
            next = read();
        }
        return next != null;
    }

    @Override
    public Record next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Record r = next;
        next = null;
        return r;
    }

    private Record read() {
        int c = nextChar();
        if (c < 0) {
            eof = true;
            return null;
        }
        long start = line;
        StringBuilder raw = new StringBuilder();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;     // inside quotes
        boolean wasQuoted = false;  // the current field was quoted and has been closed
        String problem = null;
        while (true) {
            if (c < 0) {
                if (quoted) {
                    return giveBack(start, raw, "a quoted field opened on this line is not closed before the end of "
                            + "the file");
                }
                eof = true;
                break;
            }
            if (!quoted && (c == '\n' || c == '\r')) {
                endOfLine(c);
                break;
            }
            raw.append((char) c);
            if (raw.length() > MAX_CHARS) {
                return quoted ? giveBack(start, raw, "a quoted field opened on this line is not closed within "
                        + MAX_CHARS + " characters") : skipLine(start, raw);
            }
            if (quoted) {
                if (c == '"') {
                    int d = nextChar();
                    if (d == '"') {
                        raw.append('"');
                        field.append('"');
                    } else {
                        quoted = false;
                        wasQuoted = true;
                        c = d;
                        continue;
                    }
                } else {
                    field.append((char) c);
                    if (c == '\r') { // CR or CRLF inside quotes: one line
                        line++;
                        int d = nextChar();
                        if (d == '\n') {
                            raw.append('\n');
                            field.append('\n');
                        } else if (d >= 0) {
                            unread(d);
                        }
                    } else if (c == '\n') {
                        line++;
                    }
                }
            } else if (c == ',') {
                fields.add(wasQuoted ? field.toString() : field.toString().strip());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && !wasQuoted && field.toString().isBlank()) {
                quoted = true;
                field.setLength(0);
            } else if (wasQuoted) {
                if (!Character.isWhitespace(c) && problem == null) {
                    problem = "there is text after the closing quote of field " + (fields.size() + 1);
                }
            } else {
                if (c == '"' && problem == null) {
                    problem = "field " + (fields.size() + 1) + " has a quote but does not start with one";
                }
                field.append((char) c);
            }
            c = nextChar();
        }
        fields.add(wasQuoted ? field.toString() : field.toString().strip());
        String text = raw.toString();
        return problem == null ? new Record(start, text, List.copyOf(fields), null)
                : new Record(start, text, List.of(), problem);
    }

    /**
     * A record that could not be closed: its first line is the problem, and everything after that line is read
     * again as new records.
     */
    private Record giveBack(long start, StringBuilder raw, String problem) {
        int firstBreak = indexOfBreak(raw);
        String first = raw.substring(0, Math.min(firstBreak < 0 ? raw.length() : firstBreak, MAX_CHARS));
        if (firstBreak >= 0) {
            int rest = firstBreak + (raw.charAt(firstBreak) == '\r' && firstBreak + 1 < raw.length()
                    && raw.charAt(firstBreak + 1) == '\n' ? 2 : 1);
            pending.replace(0, pendingPos, "");
            pending.insert(0, raw.substring(rest));
            pendingPos = 0;
            eof = false;
            line = start + 1;
        } else {
            line = start;
            skipRestOfLine();
        }
        return new Record(start, first, List.of(), problem);
    }

    /** An unquoted line over the limit: reported, and the rest of the line skipped. */
    private Record skipLine(long start, StringBuilder raw) {
        skipRestOfLine();
        return new Record(start, raw.substring(0, 80) + "...", List.of(), "the line is longer than " + MAX_CHARS
                + " characters");
    }

    private void skipRestOfLine() {
        int c;
        while ((c = nextChar()) >= 0) {
            if (c == '\n' || c == '\r') {
                endOfLine(c);
                return;
            }
        }
        eof = true;
    }

    private static int indexOfBreak(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n' || s.charAt(i) == '\r') {
                return i;
            }
        }
        return -1;
    }

    /** Counts the line that {@code c} ends, consuming the LF of a CRLF. */
    private void endOfLine(int c) {
        line++;
        if (c == '\r') {
            int d = nextChar();
            if (d != '\n' && d >= 0) {
                unread(d);
            }
        }
    }

    private void unread(int c) {
        pending.insert(pendingPos, (char) c);
    }

    private int nextChar() {
        int c;
        if (pendingPos < pending.length()) {
            c = pending.charAt(pendingPos++);
        } else {
            try {
                c = in.read();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read the CSV: " + e.getMessage(), e);
            }
        }
        if (!started) {
            started = true;
            if (c == '\uFEFF') {
                return nextChar();
            }
        }
        return c;
    }
}
