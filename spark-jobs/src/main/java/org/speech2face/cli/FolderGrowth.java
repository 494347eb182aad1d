package org.speech2face.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a step added to some table folders, read from the file system: the files present after it and not before,
 * and their sizes. Delta never rewrites a file in place (data files, deletion vectors and log entries are all new
 * files), so the new files are exactly what the step wrote. Run reports ({@code _reports/}) are left out: they are
 * the same few kilobytes whatever the step did to the table.
 */
final class FolderGrowth {
    /** Files and bytes a step added. */
    record Added(long files, long bytes) {
    }

    private final List<Path> folders;
    private final Map<Path, Long> before;

    private FolderGrowth(List<Path> folders) {
        this.folders = folders;
        this.before = snapshot(folders);
    }

    /** Starts watching {@code folders} (they need not exist yet). */
    static FolderGrowth watch(List<Path> folders) {
        return new FolderGrowth(folders);
    }

    /** The files added since {@link #watch}, and their total size. */
    Added added() {
        long files = 0;
        long bytes = 0;
        for (Map.Entry<Path, Long> e : snapshot(folders).entrySet()) {
            if (!before.containsKey(e.getKey())) {
                files++;
                bytes += e.getValue();
            }
        }
        return new Added(files, bytes);
    }

    private static Map<Path, Long> snapshot(List<Path> folders) {
        Map<Path, Long> sizes = new HashMap<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(folder)) {
                s.filter(Files::isRegularFile).filter(p -> !folder.relativize(p).startsWith("_reports"))
                        .forEach(p -> sizes.put(p, size(p)));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not list " + folder + ".", e);
            }
        }
        return sizes;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0; // deleted while listing: it was not added by the step
        }
    }
}
