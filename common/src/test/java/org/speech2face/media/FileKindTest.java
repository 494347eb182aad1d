package org.speech2face.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The first bytes of what downloaders leave under a video's name, and of media, which is none of them. */
class FileKindTest {
    @Test
    void namesTheCommonNonMediaKinds() {
        assertThat(FileKind.describe(new byte[0])).contains("an empty file (0 bytes)");
        assertThat(FileKind.describe(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10))).contains("a JPEG image");
        assertThat(FileKind.describe(text("GIF89a...."))).contains("a GIF image");
        assertThat(FileKind.describe(text("%PDF-1.7\n"))).contains("a PDF document");
        assertThat(FileKind.describe(text("\uFEFF  <HTML><body>Sign in to confirm you're not a bot</body>")))
                .contains("an HTML page");
        assertThat(FileKind.describe(text("{\"error\": {\"code\": 403}}"))).contains("a JSON document");
        assertThat(FileKind.describe(text("ERROR: Video unavailable\n"))).contains("a text file");
    }

    @Test
    void mediaAndRandomBytesAreNoneOfThem() {
        // An MP4's ftyp box, a Matroska EBML header, an MP3 frame sync: for FFmpeg to judge, not "a text file".
        assertThat(FileKind.describe(bytes(0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'))).isEmpty();
        assertThat(FileKind.describe(bytes(0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81))).isEmpty();
        assertThat(FileKind.describe(bytes(0xFF, 0xFB, 0x90, 0x64, 0, 0, 0))).isEmpty();
        byte[] noise = new byte[64];
        new Random(3).nextBytes(noise);
        assertThat(FileKind.describe(noise)).isEmpty();
        // "BM" alone is text, not a bitmap: a BMP needs its header's size field too.
        assertThat(FileKind.describe(text("BMW owners' club minutes"))).contains("a text file");
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }
}
