package org.speech2face.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads a configuration written to a file in a test's temporary folder, with --set overrides. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    static S2fConfig load(Path dir, String text, String... sets) throws IOException {
        Path f = dir.resolve("t.conf");
        Files.writeString(f, text);
        return ConfigLoader.load(f.toString(), List.of(sets));
    }
}
