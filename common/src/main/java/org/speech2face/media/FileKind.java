package org.speech2face.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What a file that is not media really is, from its first bytes, so a reject can say "an HTML page" rather than
 * "corrupt". Downloaders leave these under a video's name: an error page when a site refuses, a thumbnail, an empty
 * file when the transfer never started, a playlist instead of the media.
 *
 * <p>Text is never handed to FFmpeg: its playlist and script readers (HLS, concat, DASH) open whatever files a text
 * file lists, which may lie anywhere, so a playlist under a video's name would read outside the configured folders.
 */
public final class FileKind {
    private static final int HEAD = 64;
    private static final int QUOTE = 40;

    private FileKind() {
    }

    /**
     * A short description such as {@code "a PNG image"}, or empty when the bytes are not a known non-media kind. Any
     * text is a known kind.
     */
    public static Optional<String> describe(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD);
        } catch (IOException e) {
            return Optional.empty();
        }
        return describe(head);
    }

    static Optional<String> describe(byte[] b) {
        if (b.length == 0) {
            return Optional.of("an empty file (0 bytes)");
        }
        if (starts(b, 0x89, 'P', 'N', 'G')) {
            return Optional.of("a PNG image");
        }
        if (starts(b, 0xFF, 0xD8, 0xFF)) {
            return Optional.of("a JPEG image");
        }
        if (starts(b, 'G', 'I', 'F', '8')) {
            return Optional.of("a GIF image");
        }
        if (starts(b, 'R', 'I', 'F', 'F') && b.length >= 12 && ascii(b, 8, 4).equals("WEBP")) {
            return Optional.of("a WebP image");
        }
        if (starts(b, 'B', 'M') && b.length >= 18 && java.util.Set.of(12, 40, 52, 56, 108, 124).contains(
                (b[14] & 0xFF) | (b[15] & 0xFF) << 8 | (b[16] & 0xFF) << 16 | (b[17] & 0xFF) << 24)) {
            return Optional.of("a BMP image");
        }
        if (starts(b, '%', 'P', 'D', 'F')) {
            return Optional.of("a PDF document");
        }
        if (starts(b, 'P', 'K', 3, 4)) {
            return Optional.of("a ZIP archive");
        }
        if (starts(b, 0x1F, 0x8B)) {
            return Optional.of("gzip-compressed data");
        }
        if (!isText(b)) {
            return Optional.empty();
        }
        String text = new String(b, StandardCharsets.UTF_8).replace("\uFEFF", "").strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("#extm3u")) {
            return Optional.of("an HLS playlist (M3U8), a list of other files to read");
        }
        if (lower.startsWith("ffconcat")) {
            return Optional.of("an FFmpeg concat script, a list of other files to read");
        }
        if (lower.startsWith("<!doctype html") || lower.startsWith("<html")) {
            return Optional.of("an HTML page");
        }
        if (lower.startsWith("<?xml")) {
            return Optional.of("an XML document");
        }
        if (lower.startsWith("{") || lower.startsWith("[")) {
            return Optional.of("a JSON document");
        }
        return Optional.of(text.isEmpty() ? "a file of blanks" : "a text file");
    }

    /** The first characters of a text file, for a message; empty for binary files. */
    public static String quote(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(QUOTE + 1);
            if (head.length == 0 || !isText(head)) {
                return "";
            }
            String s = new String(head, 0, Math.min(head.length, QUOTE), StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ").strip();
            return s.isEmpty() ? "" : " (it starts with \"" + s + (head.length > QUOTE ? "..." : "") + "\")";
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean starts(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] b, int from, int length) {
        return new String(b, from, length, StandardCharsets.US_ASCII);
    }

    /** No control characters other than blanks, and valid UTF-8 apart from a sequence cut at the end. */
    private static boolean isText(byte[] b) {
        for (byte x : b) {
            int v = x & 0xFF;
            if (v < 0x20 && v != '\n' && v != '\r' && v != '\t' && v != '\f') {
                return false;
            }
            if (v == 0x7F) {
                return false;
            }
        }
        int i = 0;
        while (i < b.length) {
            int v = b[i] & 0xFF;
            int extra = v < 0x80 ? 0 : (v & 0xE0) == 0xC0 ? 1 : (v & 0xF0) == 0xE0 ? 2 : (v & 0xF8) == 0xF0 ? 3 : -1;
            if (extra < 0) {
                return false;
            }
            for (int k = 1; k <= extra; k++) {
                if (i + k < b.length && (b[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += extra + 1;
        }
        return true;
    }
}
