package org.speech2face.faceapi.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Just enough of a tar reader for an npm tarball (ustar, as npm pack writes it): regular files only, with the
 * ustar prefix field and PAX path records honoured. Entries not asked for are skipped unread.
 */
final class TarGz {
    private static final int BLOCK = 512;

    private TarGz() {
    }

    /**
     * Copies the entries named in {@code wanted} to {@code target(name)}; returns the names found, each mapped to
     * the file written.
     */
    static Map<String, Path> extract(Path tgz, Set<String> wanted, java.util.function.Function<String, Path> target)
            throws IOException {
        Map<String, Path> found = new HashMap<>();
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tgz), 1 << 16))) {
            byte[] header = new byte[BLOCK];
            String paxPath = null;
            while (readBlock(in, header)) {
                if (isZero(header)) {
                    break;
                }
                String name = paxPath != null ? paxPath : entryName(header);
                paxPath = null;
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if (type == 'x') {
                    byte[] pax = in.readNBytes((int) size);
                    skip(in, padded - size);
                    paxPath = paxRecord(pax, "path");
                } else if ((type == '0' || type == 0) && wanted.contains(name)) {
                    Path out = target.apply(name);
                    try (InputStream body = new BoundedInputStream(in, size)) {
                        Files.copy(body, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    skip(in, padded - size);
                    found.put(name, out);
                } else {
                    skip(in, padded);
                }
            }
        }
        return found;
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new IOException("The tarball ends inside a tar header.");
        }
        return true;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String entryName(byte[] h) {
        String name = cString(h, 0, 100);
        String prefix = "ustar".equals(cString(h, 257, 5)) ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len) throws IOException {
        String s = cString(h, off, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("The tarball has a malformed tar header (size field '" + s + "').", e);
        }
    }

    private static String paxRecord(byte[] pax, String key) {
        for (String line : new String(pax, StandardCharsets.UTF_8).split("\n")) {
            int sp = line.indexOf(' ');
            int eq = line.indexOf('=');
            if (sp > 0 && eq > sp && line.substring(sp + 1, eq).equals(key)) {
                return line.substring(eq + 1);
            }
        }
        return null;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("The tarball ends inside an entry.");
                }
                s = 1;
            }
            left -= s;
        }
    }

    /** Reads at most {@code limit} bytes of the tar stream, leaving the stream open. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("The tarball ends inside an entry.");
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("The tarball ends inside an entry.");
            }
            left -= n;
            return n;
        }

        @Override
        public void close() {
            // the tar stream stays open for the next entry
        }
    }
}
