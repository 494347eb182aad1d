package org.speech2face.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a file is shorter than its container says, read from the container's own size fields before any
 * decoding: MP4 and QuickTime boxes (ISO/IEC 14496-12, section 4.2) each declare their length, a Matroska or
 * WebM segment declares its length in its header (when the muxer could seek back to write it, as every file muxer
 * does), and so does a RIFF file (WAV, AVI) in its first chunk. A download cut short keeps those fields, so its last box or its segment runs past the end of the file. This
 * finds it even where decoding would not look (a face found in the first second of a clip that stops at the third),
 * and even where FFmpeg cannot open the file at all (an MP4 whose index was to come after the media data).
 */
public final class DeclaredLength {
    /** Top-level box types a file may start with; anything else is not treated as ISO BMFF. */
    private static final Set<String> FIRST_BOXES = Set.of("ftyp", "styp", "moov", "mdat", "free", "skip", "wide",
            "pnot");
    private static final int MAX_BOXES = 100_000;
    private static final long EBML_MAGIC = 0x1A45DFA3L;
    private static final long MATROSKA_SEGMENT = 0x18538067L;
    private static final int RIFF = 0x52494646; // "RIFF"

    private DeclaredLength() {
    }

    /**
     * A sentence fragment such as {@code its 'mdat' box declares 79012 bytes from byte 48, but the file ends at byte
     * 44561}, or empty when the file is whole or its container is not one whose lengths this reads.
     */
    public static Optional<String> shortfall(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = read(ch, 0, 16);
            if (head.remaining() < 8) {
                return Optional.empty();
            }
            if ((head.getInt(0) & 0xFFFFFFFFL) == EBML_MAGIC) {
                return matroska(ch, size);
            }
            if (head.getInt(0) == RIFF) {
                return riff(head, size);
            }
            return isoBoxes(ch, size);
        } catch (IOException e) {
            return Optional.empty(); // unreadable: FFmpeg's open says so in its own words
        }
    }

    private static Optional<String> isoBoxes(FileChannel ch, long size) throws IOException {
        long at = 0;
        for (int n = 0; n < MAX_BOXES && at + 8 <= size; n++) {
            ByteBuffer h = read(ch, at, 16);
            long length = h.getInt(0) & 0xFFFFFFFFL;
            String type = fourCc(h, 4);
            if (type == null || (n == 0 && !FIRST_BOXES.contains(type))) {
                return Optional.empty();
            }
            if (length == 1) {
                if (h.remaining() < 16) {
                    return Optional.of(String.format(Locale.ROOT,
                            "its '%s' box at byte %d is cut off in its header, at byte %d", type, at, size));
                }
                length = h.getLong(8);
            } else if (length == 0) {
                return Optional.empty(); // the box runs to the end of the file, whatever that is
            }
            if (length < 8) {
                return Optional.empty(); // not a box structure after all; FFmpeg judges the file
            }
            if (length > size - at) {
                return Optional.of(String.format(Locale.ROOT, "its '%s' box declares %d bytes from byte %d, but the "
                        + "file ends at byte %d, %.0f%% of the way", type, length, at, size, 100.0 * size / (at + length)));
            }
            at += length;
        }
        return Optional.empty();
    }

    /** A RIFF file (WAV, AVI): the first chunk's little-endian length; 0 and all ones mean a writer that never knew. */
    private static Optional<String> riff(ByteBuffer head, long size) {
        long length = Integer.reverseBytes(head.getInt(4)) & 0xFFFFFFFFL;
        if (length == 0 || length == 0xFFFFFFFFL || length <= size - 8) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "its 'RIFF' chunk declares %d bytes from byte 8, but the file "
                + "ends at byte %d, %.0f%% of the way", length, size, 100.0 * size / (8 + length)));
    }

    private static Optional<String> matroska(FileChannel ch, long size) throws IOException {
        long at = 0;
        for (int n = 0; n < 2; n++) {
            ByteBuffer h = read(ch, at, 12);
            int idLength = vintLength(h, 0);
            if (idLength < 1 || idLength > 4 || h.remaining() < idLength + 1) {
                return Optional.empty();
            }
            long id = 0;
            for (int i = 0; i < idLength; i++) {
                id = id << 8 | (h.get(i) & 0xFF);
            }
            int sizeLength = vintLength(h, idLength);
            if (sizeLength < 1 || h.remaining() < idLength + sizeLength) {
                return Optional.empty();
            }
            long value = h.get(idLength) & (0xFF >> sizeLength);
            boolean unknown = value == (0xFF >> sizeLength);
            for (int i = 1; i < sizeLength; i++) {
                int b = h.get(idLength + i) & 0xFF;
                unknown &= b == 0xFF;
                value = value << 8 | b;
            }
            long dataStart = at + idLength + sizeLength;
            if (n == 0) {
                if (id != EBML_MAGIC || unknown) {
                    return Optional.empty();
                }
                at = dataStart + value;
            } else if (id != MATROSKA_SEGMENT || unknown) {
                return Optional.empty(); // a live stream's segment has no declared length
            } else if (value > size - dataStart) {
                return Optional.of(String.format(Locale.ROOT, "its Matroska segment declares %d bytes from byte %d, "
                        + "but the file ends at byte %d, %.0f%% of the way", value, dataStart, size,
                        100.0 * size / (dataStart + value)));
            }
        }
        return Optional.empty();
    }

    /** Length in bytes of the EBML variable-length integer starting at {@code at}: its leading zero bits + 1. */
    private static int vintLength(ByteBuffer b, int at) {
        if (b.remaining() <= at) {
            return -1;
        }
        int first = b.get(at) & 0xFF;
        return first == 0 ? -1 : Integer.numberOfLeadingZeros(first) - 23;
    }

    private static String fourCc(ByteBuffer b, int at) {
        StringBuilder s = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            int c = b.get(at + i) & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                if (c != 0xA9) { // QuickTime's metadata boxes start with the copyright sign
                    return null;
                }
            }
            s.append((char) c);
        }
        return s.toString();
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
            // read until full or end of file
        }
        return b.flip();
    }
}
