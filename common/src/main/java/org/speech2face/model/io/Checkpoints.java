package org.speech2face.model.io;

import org.speech2face.contracts.CheckpointMetadata;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints of training graphs under one directory on any Hadoop file system ({@code file:}, {@code hdfs:},
 * {@code s3a:}), one folder per epoch: {@code epoch-0003/model.zip} (DL4J model with its updater state, so Adam
 * resumes where it stopped) and {@code epoch-0003/metadata.json}. A folder is written under a hidden temporary name
 * and renamed into place whole, so a run killed while saving leaves no {@code epoch-NNNN} folder behind (on HDFS
 * the rename is atomic; on object stores it is a copy, and {@link #latest} still requires both files).
 * {@link #loadLatest} falls back past checkpoints that do not load (truncated, corrupt, for another model).
 */
public final class Checkpoints {
    public static final String MODEL = "model.zip";
    public static final String METADATA = "metadata.json";
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final Pattern NAME = Pattern.compile("epoch-(\\d{4,})");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final Configuration conf;

    /** @param dir checkpoint directory URI, e.g. {@code hdfs://nn/data/models/decoder/default} */
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

    /**
     * What {@link #loadLatest} found: the newest checkpoint that loads, if any, and one sentence for each newer one
     * that did not.
     */
    public record Latest(Optional<Loaded> loaded, List<String> skipped) {
        public Latest {
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * SHA-256 of the configuration JSON with the iteration and epoch counters zeroed, and the project's layer classes
     * named as before the model package was split ({@link LegacyClassNames}), so moving a class does not make every
     * saved checkpoint look like another network.
     */
    public static String configHash(ComputationGraphConfiguration configuration) {
        ComputationGraphConfiguration c = configuration.clone();
        c.setIterationCount(0);
        c.setEpochCount(0);
        return sha256(LegacyClassNames.canonical(c.toJson()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A short id of one layer's trained weights (SHA-256 of its parameters as little-endian float32), so a model
     * trained against a frozen copy of that layer can tell whether the layer has changed since.
     */
    public static String layerFingerprint(ComputationGraph graph, String layer) {
        if (graph.getVertex(layer) == null || !graph.getVertex(layer).hasLayer()) {
            throw new IllegalArgumentException("The graph has no layer '" + layer + "' to fingerprint.");
        }
        float[] p = graph.getLayer(layer).params().castTo(DataType.FLOAT).dup().data().asFloat();
        ByteBuffer bytes = ByteBuffer.allocate(4 * p.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(p);
        return sha256(bytes.array()).substring(0, 16);
    }

    /** The folder of an epoch. */
    public Path epochDir(int epoch) {
        return new Path(dir, String.format(Locale.ROOT, "epoch-%04d", epoch));
    }

    /** Model file of an epoch. */
    public Path modelPath(int epoch) {
        return new Path(epochDir(epoch), MODEL);
    }

    /** Metadata file of an epoch. */
    public Path metadataPath(int epoch) {
        return new Path(epochDir(epoch), METADATA);
    }

    /**
     * Saves {@code graph} (with its updater state) as the checkpoint of {@code metadata.epoch()}, replacing an
     * existing one of that epoch. The config hash in the written metadata is computed from the graph.
     */
    public CheckpointMetadata save(ComputationGraph graph, CheckpointMetadata metadata) throws IOException {
        CheckpointMetadata meta = metadata.withConfigHash(configHash(graph.getConfiguration()));
        FileSystem fs = dir.getFileSystem(conf);
        Path target = epochDir(meta.epoch());
        String id = UUID.randomUUID().toString();
        Path tmp = new Path(dir, "." + target.getName() + "." + id + ".tmp");
        Path old = new Path(dir, "." + target.getName() + "." + id + ".old");
        try {
            fs.mkdirs(tmp);
            try (FSDataOutputStream out = fs.create(new Path(tmp, MODEL), false)) {
                ModelSerializer.writeModel(graph, out, true);
            }
            try (FSDataOutputStream out = fs.create(new Path(tmp, METADATA), false)) {
                out.write(JSON.writeValueAsBytes(meta));
            }
            if (fs.exists(target) && !fs.rename(target, old)) {
                throw new IOException("Could not move the old " + fs.makeQualified(target) + " aside.");
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("Could not rename " + fs.makeQualified(tmp) + " to " + fs.makeQualified(target) + ".");
            }
            fs.delete(old, true);
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, true);
            }
        }
        return meta;
    }

    /** Epochs with a complete checkpoint (both files present), oldest first. */
    public List<Integer> epochs() throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        List<Integer> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus s : fs.listStatus(dir)) {
            Matcher m = NAME.matcher(s.getPath().getName());
            if (s.isDirectory() && m.matches()) {
                int epoch = Integer.parseInt(m.group(1));
                if (fs.exists(metadataPath(epoch)) && fs.exists(modelPath(epoch))) {
                    out.add(epoch);
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Epoch of the newest complete checkpoint, if any. */
    public Optional<Integer> latest() throws IOException {
        List<Integer> all = epochs();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * The newest checkpoint that loads. A newer one that does not (truncated, failing its checksum, metadata that
     * is not JSON or describes another graph) is logged as a warning, named in {@link Latest#skipped}, left in
     * place (the resumed run replaces it when it saves that epoch again) and the one before it is tried.
     */
    public Latest loadLatest() throws IOException {
        List<Integer> all = epochs();
        List<String> skipped = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                return new Latest(Optional.of(load(all.get(i))), skipped);
            } catch (CheckpointException e) {
                String fallback = i > 0 ? String.format(Locale.ROOT, "falling back to epoch-%04d", all.get(i - 1))
                        : "no earlier checkpoint is left, so training starts from fresh weights";
                String msg = String.format(Locale.ROOT, "Checkpoint epoch-%04d cannot be used (%s); %s.", all.get(i),
                        e.getMessage(), fallback);
                LOG.warn(msg);
                skipped.add(msg);
            }
        }
        return new Latest(Optional.empty(), skipped);
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
        if (meta.epoch() != epoch) {
            throw new CheckpointException("Checkpoint metadata " + fs.makeQualified(metaPath) + " says epoch "
                    + meta.epoch() + " but sits in the folder of epoch " + epoch + ".");
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
        LegacyClassNames.install();
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
                return GraphZip.read(local, loadUpdater);
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

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available.", e);
        }
    }
}
