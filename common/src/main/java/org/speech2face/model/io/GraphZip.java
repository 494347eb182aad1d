package org.speech2face.model.io;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a DL4J ComputationGraph zip as {@link ModelSerializer#restoreComputationGraph(File, boolean)} does, with the
 * same decoder ({@link Nd4j#read}), but fed from an unsynchronized byte stream. ModelSerializer hands Nd4j.read a
 * {@code DataInputStream} over a {@code ByteArrayInputStream}, whose {@code read()} is synchronized: four lock
 * acquisitions per float, which made loading a checkpoint the largest single cost of evaluate in a profile (about 15 %
 * of its samples) and makes the real VGGFace weights (138 M floats) slow to load. Zips this class does not handle
 * (a model without parameters) go to ModelSerializer.
 */
public final class GraphZip {
    static final String CONFIGURATION = "configuration.json";
    static final String COEFFICIENTS = "coefficients.bin";
    static final String UPDATER_STATE = "updaterState.bin";

    private GraphZip() {
    }

    /** The graph in {@code zip}, with its updater state when {@code loadUpdater} and the zip has one. */
    public static ComputationGraph read(File zip, boolean loadUpdater) throws IOException {
        INDArray params;
        INDArray updaterState = null;
        String json;
        try (ZipFile z = new ZipFile(zip)) {
            ZipEntry config = z.getEntry(CONFIGURATION);
            ZipEntry coefficients = z.getEntry(COEFFICIENTS);
            if (config == null || coefficients == null || coefficients.getSize() == 0) {
                return ModelSerializer.restoreComputationGraph(zip, loadUpdater);
            }
            json = new String(bytes(z, config), StandardCharsets.UTF_8);
            params = array(bytes(z, coefficients));
            ZipEntry updater = loadUpdater ? z.getEntry(UPDATER_STATE) : null;
            if (updater != null) {
                updaterState = array(bytes(z, updater));
            }
        }
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(json);
        if (conf.getNetworkInputs() == null && (conf.getVertices() == null || conf.getVertices().isEmpty())) {
            throw new IOException("The zip's " + CONFIGURATION + " is not a ComputationGraph configuration.");
        }
        // As ModelSerializer: configurations from before DL4J 1.0.0-beta4 carry no data type; the parameters do.
        conf.setDataType(params.dataType());
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init(params, false);
        if (updaterState != null) {
            graph.getUpdater().setStateViewArray(updaterState);
        }
        return graph;
    }

    private static byte[] bytes(ZipFile z, ZipEntry e) throws IOException {
        try (InputStream in = z.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static INDArray array(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new UnsynchronizedBytes(bytes))) {
            return Nd4j.read(in);
        }
    }

    /** A byte-array stream without ByteArrayInputStream's locks: DataInputStream reads a float as four read() calls. */
    private static final class UnsynchronizedBytes extends InputStream {
        private final byte[] buf;
        private int pos;

        UnsynchronizedBytes(byte[] buf) {
            this.buf = buf;
        }

        @Override
        public int read() {
            return pos < buf.length ? buf[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= buf.length) {
                return -1;
            }
            int n = Math.min(len, buf.length - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return buf.length - pos;
        }
    }
}
