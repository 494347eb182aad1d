package org.speech2face.model.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The trained gender classifier under {@code models/gender/}: {@code gender-classifier.zip} (DL4J's ModelSerializer
 * format, with the updater so training can continue) and {@code gender-classifier.json} (its id, the SHA-256 of the
 * zip, and how it was trained). Both are written under a temporary name and renamed, through the Hadoop FileSystem,
 * so a reader never sees half a model; the loader checks the zip against the id in the JSON.
 */
public final class GenderModelStore {
    public static final String MODEL = "gender-classifier.zip";
    public static final String META = "gender-classifier.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GenderModelStore() {
    }

    /** Saves the network and its metadata; returns the model id. */
    public static String save(MultiLayerNetwork net, Map<String, Object> meta, Path dir, Configuration conf, String runId)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        byte[] zip = bytes.toByteArray();
        String id = id(zip);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_id", id);
        m.putAll(meta);
        FileSystem fs = dir.getFileSystem(conf);
        fs.mkdirs(dir);
        Path zipTmp = write(fs, dir, MODEL, runId, zip);
        Path metaTmp = write(fs, dir, META, runId, JSON.writeValueAsBytes(m));
        replace(fs, zipTmp, new Path(dir, MODEL));
        replace(fs, metaTmp, new Path(dir, META));
        return id;
    }

    /** The metadata of the saved model, or null when there is none. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> metadata(Path dir, Configuration conf) throws IOException {
        Path p = new Path(dir, META);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p) || !fs.exists(new Path(dir, MODEL))) {
            return null;
        }
        try (InputStream in = fs.open(p)) {
            return JSON.readValue(in, Map.class);
        }
    }

    /** The id of the saved model, when there is one. */
    public static Optional<String> modelId(Path dir, Configuration conf) throws IOException {
        Map<String, Object> meta = metadata(dir, conf);
        return meta == null ? Optional.empty() : Optional.of(String.valueOf(meta.get("model_id")));
    }

    /** Loads the saved network, failing if it is not the one {@code expectedId} names. */
    public static MultiLayerNetwork load(Path dir, Configuration conf, String expectedId) throws IOException {
        Path p = new Path(dir, MODEL);
        FileSystem fs = p.getFileSystem(conf);
        byte[] zip;
        try (InputStream in = fs.open(p)) {
            zip = in.readAllBytes();
        }
        String id = id(zip);
        if (!id.equals(expectedId)) {
            throw new IllegalStateException("The gender model " + p + " is " + id + " but its metadata names "
                    + expectedId + "; it was replaced while this run was using it, or a save was interrupted. Run "
                    + "train-gender with overwrite=true.");
        }
        LegacyClassNames.install();
        return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false);
    }

    public static String id(byte[] zip) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
        }
    }

    private static Path write(FileSystem fs, Path dir, String name, String runId, byte[] content) throws IOException {
        Path tmp = new Path(dir, "." + name + "." + runId + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            out.write(content);
        }
        return tmp;
    }

    private static void replace(FileSystem fs, Path tmp, Path target) throws IOException {
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
            throw new IOException("Could not rename " + tmp + " to " + target + ".");
        }
    }
}
