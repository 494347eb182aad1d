package org.speech2face.jobs.maintenance;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the Delta tables under a root: every folder that holds a {@code _delta_log/} folder. Upkeep must reach each
 * dataset (rejects/ included) without a list of names to keep in step with the stages, so the tree is walked. The
 * walk stops at a table (its partition folders and log are the table's business) and never enters a folder whose
 * name starts with {@code _} or {@code .}: staging, run reports and hidden work in progress are not datasets.
 */
final class TableFolders {
    static final String LOG = "_delta_log";

    private TableFolders() {
    }

    /** The tables under {@code root}, in path order; none when the root does not exist yet. */
    static List<Path> under(FileSystem fs, Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        if (fs.exists(root)) {
            walk(fs, root, out);
        }
        return out;
    }

    private static void walk(FileSystem fs, Path dir, List<Path> out) throws IOException {
        if (fs.exists(new Path(dir, LOG))) {
            out.add(dir);
            return;
        }
        FileStatus[] children = fs.listStatus(dir);
        Arrays.sort(children, Comparator.comparing(s -> s.getPath().getName()));
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            if (child.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) {
                walk(fs, child.getPath(), out);
            }
        }
    }
}
