package org.speech2face.model.io;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Checkpoints of training graphs under one directory on any Hadoop file system ({@code file:}, {@code hdfs:},
 * {@code s3a:}): {@code epoch-0003.zip} (DL4J model with its updater state, so Adam resumes where it stopped) and
 * {@code epoch-0003.json} (metadata). Both are written under a temporary name and renamed into place, model
 * first, so a checkpoint whose metadata exists is complete; {@link #latest} only considers those.
 */
public final class Checkpoints {
    private static final Pattern NAME = Pattern.compile("epoch-(\\d{4,})\\.json");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final Configuration conf;

    /** @param dir checkpoint directory URI, e.g. {@code hdfs://nn/data/models/decoder} */
    public Checkpoints(String dir, Configuration conf) {
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("Checkpoint directory must be given, got '" + dir + "'.");
        }
        this.dir = new Path(dir);
        this.conf = conf;
    }

    /** A loaded checkpoint. */
    public record Loaded(ComputationGraph graph, CheckpointMetadata metadata, String location) {
    }

    /** SHA-256 of the configuration JSON with the iteration and epoch counters zeroed. */
    public static String configHash(ComputationGraphConfiguration configuration) {
        ComputationGraphConfiguration c = configuration.clone();
        c.setIterationCount(0);
        c.setEpochCount(0);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(c.toJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available.", e);
        }
    }

    /** Model file of an epoch. */
    public Path modelPath(int epoch) {
        return new Path(dir, String.format(Locale.ROOT, "epoch-%04d.zip", epoch));
    }

    /** Metadata file of an epoch. */
    public Path metadataPath(int epoch) {
        return new Path(dir, String.format(Locale.ROOT, "epoch-%04d.json", epoch));
    }

    /**
     * Saves {@code graph} (with its updater state) as the checkpoint of {@code metadata.epoch()}, replacing an
     * existing one of that epoch. The config hash in the written metadata is computed from the graph.
     */
    public CheckpointMetadata save(ComputationGraph graph, CheckpointMetadata metadata) throws IOException {
        CheckpointMetadata meta = new CheckpointMetadata(metadata.profile(), metadata.variant(), metadata.epoch(),
                configHash(graph.getConfiguration()), metadata.weightsIds(), metadata.lossTerms());
        FileSystem fs = dir.getFileSystem(conf);
        fs.mkdirs(dir);
        writeAtomically(fs, modelPath(meta.epoch()), out -> ModelSerializer.writeModel(graph, out, true));
        writeAtomically(fs, metadataPath(meta.epoch()), out -> out.write(JSON.writeValueAsBytes(meta)));
        return meta;
    }

    /** Epoch of the newest complete checkpoint, if any. */
    public Optional<Integer> latest() throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            return Optional.empty();
        }
        int best = -1;
        for (FileStatus s : fs.listStatus(dir)) {
            Matcher m = NAME.matcher(s.getPath().getName());
            if (m.matches() && fs.exists(modelPath(Integer.parseInt(m.group(1))))) {
                best = Math.max(best, Integer.parseInt(m.group(1)));
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(best);
    }

    /** Loads the checkpoint of {@code epoch}, with updater state, checking the model against its metadata. */
    public Loaded load(int epoch) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        Path metaPath = metadataPath(epoch);
        if (!fs.exists(metaPath)) {
            throw new CheckpointException("Checkpoint metadata " + fs.makeQualified(metaPath) + " does not exist.");
        }
        CheckpointMetadata meta;
        try (InputStream in = fs.open(metaPath)) {
            meta = JSON.readValue(in, CheckpointMetadata.class);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Checkpoint metadata " + fs.makeQualified(metaPath) + " is not valid JSON metadata ("
                    + e.getClass().getSimpleName() + ").", e);
        }
        Path modelPath = modelPath(epoch);
        ComputationGraph graph = readGraph(fs, modelPath, true);
        String hash = configHash(graph.getConfiguration());
        if (meta.configHash() != null && !meta.configHash().equals(hash)) {
            throw new CheckpointException("Checkpoint " + fs.makeQualified(modelPath) + " holds a graph whose configuration hash "
                    + hash.substring(0, 12) + " differs from its metadata's " + meta.configHash().substring(0, 12) + ".");
        }
        return new Loaded(graph, meta, fs.makeQualified(modelPath).toString());
    }

    /**
     * Reads a DL4J model zip from any Hadoop path into a graph, with a one-line error for a missing, empty,
     * truncated or foreign file. The file is copied to a local temporary file first (DL4J reads zips by random access).
     */
    public static ComputationGraph readGraph(FileSystem fs, Path path, boolean loadUpdater) throws IOException {
        String where = fs.makeQualified(path).toString();
        if (!fs.exists(path)) {
            throw new CheckpointException("Model file " + where + " does not exist.");
        }
        if (fs.getFileStatus(path).getLen() == 0) {
            throw new CheckpointException("Model file " + where + " is empty.");
        }
        File local = Files.createTempFile("s2f-model-", ".zip").toFile();
        try {
            try (InputStream in = fs.open(path)) {
                Files.copy(in, local.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new CheckpointException("Model file " + where + " could not be read (" + e.getClass().getSimpleName()
                        + ": " + e.getMessage() + ").", e);
            }
            try (ZipFile zip = new ZipFile(local)) {
                if (zip.getEntry("configuration.json") == null || zip.getEntry("coefficients.bin") == null) {
                    throw new CheckpointException("Model file " + where + " is a zip but not a DL4J model "
                            + "(no configuration.json and coefficients.bin).");
                }
            } catch (ZipException e) {
                throw new CheckpointException("Model file " + where + " is truncated or not a zip (" + e.getMessage() + ").", e);
            }
            try {
                return ModelSerializer.restoreComputationGraph(local, loadUpdater);
            } catch (Exception e) {
                throw new CheckpointException("Model file " + where + " could not be read as a DL4J ComputationGraph ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ").", e);
            }
        } finally {
            Files.deleteIfExists(local.toPath());
        }
    }

    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes to a hidden temporary sibling, then renames over the target (deleting an older target first). */
    static void writeAtomically(FileSystem fs, Path target, Writer writer) throws IOException {
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                writer.write(out);
            }
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("Could not replace " + fs.makeQualified(target) + ".");
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("Could not rename " + fs.makeQualified(tmp) + " to " + fs.makeQualified(target) + ".");
            }
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
        }
    }
}
