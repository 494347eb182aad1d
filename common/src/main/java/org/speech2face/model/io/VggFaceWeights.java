package org.speech2face.model.io;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.Adler32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.nd4j.linalg.api.buffer.DataType;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.VggFace;

/**
 * Where VGGFace's weights come from, and the id every report and feature row carries. Sources:
 * <ul>
 * <li>{@code random:<seed>}: randomly initialised, for demos and tests (id {@code random:<seed>});</li>
 * <li>a {@code .zip}: the DL4J zoo file {@value #ZOO_FILE}, checked against its Adler32 {@value #ZOO_ADLER32}
 *     before use (id {@code dl4j-zoo:<name>#adler32=<value>});</li>
 * <li>a {@code .h5}: keras-vggface's VGG16 through DL4J's Keras import (id {@code keras-h5:<name>#sha256=<prefix>}).</li>
 * </ul>
 * Files are read through Hadoop's FileSystem (any URI). Their weights are moved into {@link VggFace}'s own graph
 * ({@link VggFaceTransplant}), which is then checked to reproduce the file's network. A missing, corrupt or
 * mismatched file is a {@link CheckpointException}; there is no fallback to random weights.
 */
public final class VggFaceWeights {
    public static final String ZOO_FILE = "vgg16_dl4j_vggface_inference.v1.zip";
    public static final long ZOO_ADLER32 = 2706403553L;

    /** VGGFace ready to use, and the id of its weights. */
    public record Loaded(ComputationGraph graph, String id) {
    }

    private VggFaceWeights() {
    }

    /** Loads from a source spec: {@code random:<seed>}, or a path/URI ending in {@code .zip} or {@code .h5}. */
    public static Loaded load(String spec, ModelProfile profile, Configuration conf) throws IOException {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("A VGGFace weights source must be given (random:<seed>, a .zip or a .h5), got '"
                    + spec + "'.");
        }
        String s = spec.trim();
        if (s.startsWith("random:")) {
            try {
                return random(Long.parseLong(s.substring("random:".length())), profile);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("VGGFace weights source '" + s + "' needs an integer seed after 'random:'.");
            }
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".zip")) {
            return fromZooZip(s, profile, conf, ZOO_ADLER32);
        }
        if (lower.endsWith(".h5") || lower.endsWith(".hdf5")) {
            return fromKerasH5(s, profile, conf);
        }
        throw new IllegalArgumentException("VGGFace weights source '" + s + "' is neither random:<seed>, a .zip (DL4J zoo) "
                + "nor a .h5 (Keras).");
    }

    /** Randomly initialised VGGFace: for demos and tests only, and always named so in reports. */
    public static Loaded random(long seed, ModelProfile profile) {
        ComputationGraph g = new ComputationGraph(VggFace.configuration(profile, DataType.FLOAT, seed));
        g.init();
        return new Loaded(g, "random:" + seed);
    }

    /** The DL4J zoo zip, verified against {@code expectedAdler32} before it is opened. */
    public static Loaded fromZooZip(String uri, ModelProfile profile, Configuration conf, long expectedAdler32)
            throws IOException {
        Path path = new Path(uri);
        FileSystem fs = path.getFileSystem(conf);
        String where = requireFile(fs, path, "VGGFace weights");
        File local = Files.createTempFile("s2f-vggface-", ".zip").toFile();
        try {
            long adler;
            try (CheckedInputStream in = new CheckedInputStream(fs.open(path), new Adler32())) {
                Files.copy(in, local.toPath(), StandardCopyOption.REPLACE_EXISTING);
                adler = in.getChecksum().getValue();
            }
            if (adler != expectedAdler32) {
                throw new CheckpointException("VGGFace weights " + where + " have Adler32 " + adler + ", expected "
                        + expectedAdler32 + " (" + ZOO_FILE + "): wrong or damaged file.");
            }
            try (ZipFile zip = new ZipFile(local)) {
                if (zip.getEntry("configuration.json") == null || zip.getEntry("coefficients.bin") == null) {
                    throw new CheckpointException("VGGFace weights " + where + " are a zip but not a DL4J model.");
                }
            } catch (ZipException e) {
                throw new CheckpointException("VGGFace weights " + where + " are truncated or not a zip (" + e.getMessage() + ").", e);
            }
            ComputationGraph source;
            try {
                source = GraphZip.read(local, false);
            } catch (Exception e) {
                throw new CheckpointException("VGGFace weights " + where + " could not be read as a DL4J ComputationGraph ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ").", e);
            }
            ComputationGraph target = VggFaceTransplant.into(source, profile, where);
            return new Loaded(target, "dl4j-zoo:" + path.getName() + "#adler32=" + adler);
        } finally {
            Files.deleteIfExists(local.toPath());
        }
    }

    /** keras-vggface's VGG16 h5 (a full model with its configuration), imported by DL4J. */
    public static Loaded fromKerasH5(String uri, ModelProfile profile, Configuration conf) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = path.getFileSystem(conf);
        String where = requireFile(fs, path, "VGGFace weights");
        File local = Files.createTempFile("s2f-vggface-", ".h5").toFile();
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(fs.open(path), sha)) {
                Files.copy(in, local.toPath(), StandardCopyOption.REPLACE_EXISTING);
            }
            String digest = HexFormat.of().formatHex(sha.digest());
            if (!isHdf5(local)) {
                throw new CheckpointException("VGGFace weights " + where + " are not an HDF5 file (no HDF5 signature).");
            }
            ComputationGraph source;
            try {
                source = KerasModelImport.importKerasModelAndWeights(local.getAbsolutePath(), false);
            } catch (Exception e) {
                throw new CheckpointException("VGGFace weights " + where + " could not be imported as a Keras model ("
                        + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()) + ").", e);
            }
            ComputationGraph target = VggFaceTransplant.into(source, profile, where);
            return new Loaded(target, "keras-h5:" + path.getName() + "#sha256=" + digest.substring(0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available.", e);
        } finally {
            Files.deleteIfExists(local.toPath());
        }
    }

    private static boolean isHdf5(File f) throws IOException {
        byte[] magic = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        try (InputStream in = Files.newInputStream(f.toPath())) {
            return java.util.Arrays.equals(in.readNBytes(magic.length), magic);
        }
    }

    private static String requireFile(FileSystem fs, Path path, String what) throws IOException {
        String where = fs.makeQualified(path).toString();
        if (!fs.exists(path)) {
            throw new CheckpointException(what + " file " + where + " does not exist.");
        }
        if (fs.getFileStatus(path).isDirectory() || fs.getFileStatus(path).getLen() == 0) {
            throw new CheckpointException(what + " file " + where + " is empty or a directory.");
        }
        return where;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
