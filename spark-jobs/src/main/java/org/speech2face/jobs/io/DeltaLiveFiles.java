package org.speech2face.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Parquet files that make up a small Delta table's current version, read from its {@code _delta_log} without
 * Spark: generating one face must not wait seconds for a session to read three priors. It replays the last
 * checkpoint and the commits after it (adds minus removes). Tables with deletion vectors are refused, since their
 * files hold rows that are gone; the tables read this way are replaced whole and never have any.
 */
public final class DeltaLiveFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeltaLiveFiles() {
    }

    /** The live data files of the table at {@code dir}, or none when there is no table. */
    public static List<Path> of(Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        Path log = new Path(dir, "_delta_log");
        if (!fs.exists(log)) {
            return List.of();
        }
        Set<String> live = new LinkedHashSet<>();
        long from = -1;
        Path last = new Path(log, "_last_checkpoint");
        if (fs.exists(last)) {
            try (var in = fs.open(last)) {
                from = JSON.readTree(in).path("version").asLong(-1);
            }
            readCheckpoint(fs, log, from, live, dir, conf);
        }
        TreeMap<Long, Path> commits = new TreeMap<>();
        for (FileStatus st : fs.listStatus(log)) {
            String name = st.getPath().getName();
            if (name.matches("\\d{20}\\.json")) {
                long v = Long.parseLong(name.substring(0, 20));
                if (v > from) {
                    commits.put(v, st.getPath());
                }
            }
        }
        for (Path commit : commits.values()) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(commit), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    JsonNode action = JSON.readTree(line);
                    if (action.has("add")) {
                        requireNoDeletionVector(action.get("add").get("deletionVector"), dir);
                        live.add(action.get("add").get("path").asText());
                    } else if (action.has("remove")) {
                        live.remove(action.get("remove").get("path").asText());
                    }
                }
            }
        }
        List<Path> out = new ArrayList<>();
        for (String p : live) {
            out.add(resolve(dir, p));
        }
        return out;
    }

    private static void readCheckpoint(FileSystem fs, Path log, long version, Set<String> live, Path dir,
                                       Configuration conf) throws IOException {
        String prefix = String.format("%020d.checkpoint", version);
        List<Path> parts = new ArrayList<>();
        for (FileStatus st : fs.listStatus(log)) {
            String name = st.getPath().getName();
            if (name.startsWith(prefix) && name.endsWith(".parquet")) {
                parts.add(st.getPath());
            }
        }
        if (parts.isEmpty()) {
            throw new FileNotFoundException("The Delta table at " + dir + " names checkpoint " + version
                    + " in _last_checkpoint, but " + log + " has no " + prefix + "*.parquet.");
        }
        for (Path part : parts) {
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), part).withConf(conf)
                    .build()) {
                for (Group g = reader.read(); g != null; g = reader.read()) {
                    if (g.getType().containsField("add") && g.getFieldRepetitionCount("add") > 0) {
                        Group add = g.getGroup("add", 0);
                        if (add.getType().containsField("deletionVector")
                                && add.getFieldRepetitionCount("deletionVector") > 0) {
                            throw deletionVectors(dir);
                        }
                        live.add(add.getString("path", 0));
                    }
                }
            }
        }
    }

    private static void requireNoDeletionVector(JsonNode dv, Path dir) {
        if (dv != null && !dv.isNull()) {
            throw deletionVectors(dir);
        }
    }

    private static IllegalStateException deletionVectors(Path dir) {
        return new IllegalStateException("The Delta table at " + dir + " has deletion vectors, so its files hold "
                + "deleted rows; read it through Spark, or run s2f optimize, which purges them.");
    }

    /** Delta stores data file paths as URIs relative to the table (percent-encoded) or absolute. */
    private static Path resolve(Path dir, String path) {
        URI uri = URI.create(path);
        return uri.isAbsolute() ? new Path(uri) : new Path(dir, uri.getPath());
    }
}
