package org.speech2face.jobs.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.speech2face.config.ConfigError;
import org.speech2face.data.AvSpeechCsv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The CSV files {@code input.csv} names: a file, a folder (its visible files, not its subfolders) or a glob (the
 * visible files it matches, and the visible files of folders it matches), in path order. Each file has a short name
 * for messages: its path below the folder all the files share. A location that yields no file is a
 * {@link ConfigError} that says which, raised on the driver before any Spark job runs.
 *
 * @param location the configured {@code input.csv}
 * @param paths    the files, in the order their rows are read
 * @param names    the name of each file in messages, in the same order
 * @param ignored  hidden entries ({@code .x}, {@code _x}) matched by a glob or in a listed folder, and subfolders
 *                 of a listed folder: none of them is read
 */
public record CsvFiles(String location, List<String> paths, List<String> names, List<String> ignored)
        implements Serializable {

    public CsvFiles {
        paths = List.copyOf(paths);
        names = List.copyOf(names);
        ignored = List.copyOf(ignored);
    }

    /** Lists {@code location}; throws a sentence naming it when nothing is there to read. */
    public static CsvFiles list(String location, Configuration conf) {
        Path pattern = new Path(location);
        TreeMap<String, Path> files = new TreeMap<>();
        List<String> ignored = new ArrayList<>();
        FileStatus[] matched;
        boolean glob = location.matches(".*[*?\\[{].*");
        try {
            FileSystem fs = pattern.getFileSystem(conf);
            matched = fs.globStatus(pattern);
            for (FileStatus s : matched == null ? new FileStatus[0] : matched) {
                if (s.isDirectory()) {
                    for (FileStatus child : fs.listStatus(s.getPath())) {
                        if (child.isDirectory() || hidden(child)) {
                            ignored.add(child.getPath().toString());
                        } else {
                            files.put(child.getPath().toString(), child.getPath());
                        }
                    }
                } else if (glob && hidden(s)) {
                    ignored.add(s.getPath().toString());
                } else {
                    files.put(s.getPath().toString(), s.getPath());
                }
            }
        } catch (IOException e) {
            throw new ConfigError("Config key 'input.csv' names '" + location + "', which could not be listed: "
                    + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            if (glob) {
                throw new ConfigError("Config key 'input.csv' is the pattern '" + location + "', which matches no file"
                        + (ignored.isEmpty() ? "" : " but " + ignored.size() + " hidden file(s) or subfolder(s), which "
                        + "are not read") + ".");
            }
            if (matched == null || matched.length == 0) {
                throw new ConfigError("Config key 'input.csv' names '" + location + "', which does not exist.");
            }
            throw new ConfigError("Config key 'input.csv' names the folder '" + location + "', which holds no CSV file"
                    + (ignored.isEmpty() ? "" : " (only " + ignored.size() + " hidden file(s) or subfolder(s), which "
                    + "are not read)") + ".");
        }
        List<String> paths = new ArrayList<>(files.keySet());
        return new CsvFiles(location, paths, names(paths), ignored);
    }

    /**
     * Names starting with '.' or '_' are work in progress by convention (an upload's temporary file, a job's
     * _SUCCESS marker): read only when named exactly.
     */
    private static boolean hidden(FileStatus s) {
        String name = s.getPath().getName();
        return name.startsWith(".") || name.startsWith("_");
    }

    public int size() {
        return paths.size();
    }

    /** Opens file {@code i} as UTF-8 text (malformed bytes become U+FFFD and then a reject, never an exception). */
    public Reader open(int i, Configuration conf) throws IOException {
        Path p = new Path(paths.get(i));
        return new BufferedReader(new InputStreamReader(p.getFileSystem(conf).open(p), StandardCharsets.UTF_8));
    }

    /** The rows of file {@code i}; close {@code reader} when done. */
    public AvSpeechCsv.Rows rows(int i, Reader reader) {
        return AvSpeechCsv.rows(names.get(i), reader);
    }

    /** "a.csv, b.csv and 3 more", for one-line summaries. */
    public String describe() {
        int shown = Math.min(3, names.size());
        String list = String.join(", ", names.subList(0, shown));
        return names.size() + " file" + (names.size() == 1 ? "" : "s") + ": " + list
                + (names.size() > shown ? " and " + (names.size() - shown) + " more" : "");
    }

    /** Each path below the deepest folder all paths share. */
    private static List<String> names(List<String> paths) {
        String common = paths.get(0).substring(0, paths.get(0).lastIndexOf('/') + 1);
        for (String p : paths) {
            while (!p.startsWith(common)) {
                common = common.substring(0, common.lastIndexOf('/', common.length() - 2) + 1);
            }
        }
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            out.add(p.substring(common.length()));
        }
        return out;
    }
}
