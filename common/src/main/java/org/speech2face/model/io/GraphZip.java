package org.speech2face.model.io;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.common.primitives.Triple;
import org.nd4j.linalg.api.buffer.BaseDataBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.api.shape.options.ArrayOptionsHelper;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a DL4J ComputationGraph zip as {@link ModelSerializer#restoreComputationGraph(File, boolean)} does, but
 * decodes float parameters in bulk. ModelSerializer hands {@link Nd4j#read} a {@code DataInputStream} over a
 * {@code ByteArrayInputStream}, whose {@code read()} is synchronized (four lock acquisitions per float), and Nd4j.read
 * stores each float boxed: loading checkpoints was about 14 % of the samples of a profile of evaluate, and the real
 * VGGFace weights hold 138 M floats. Zips this class does not handle (a model without parameters) go to
 * ModelSerializer.
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

    /**
     * Nd4j.write's format: a shape-information buffer, then a data buffer, each a header (allocation mode, length,
     * type) and its elements, big-endian. Float data, the case of every graph here, is decoded in bulk; Nd4j.read
     * decodes it one boxed float at a time. Anything else (doubles, compressed or pre-1.0 buffers) goes to Nd4j.read
     * from the start.
     */
    static INDArray array(byte[] bytes) throws IOException {
        UnsynchronizedBytes in = new UnsynchronizedBytes(bytes);
        try (DataInputStream data = new DataInputStream(in)) {
            Triple<DataBuffer.AllocationMode, Long, DataType> shapeHeader = BaseDataBuffer.readHeader(data);
            // The long[] is the new buffer's shape, as in Nd4j.read: one dimension of the header's length.
            DataBuffer shapeInfo = Nd4j.createBufferDetached(new long[] {shapeHeader.getMiddle()}, shapeHeader.getRight());
            shapeInfo.read(data, shapeHeader.getLeft(), shapeHeader.getMiddle(), shapeHeader.getRight());
            Triple<DataBuffer.AllocationMode, Long, DataType> dataHeader = BaseDataBuffer.readHeader(data);
            long length = dataHeader.getMiddle();
            if (dataHeader.getRight() == DataType.FLOAT && length == Shape.length(shapeInfo)
                    && length * Float.BYTES == in.available() && storedType(shapeInfo) == DataType.FLOAT) {
                // Straight into the native buffer: Nd4j.createBuffer(float[]) copies element by element.
                DataBuffer values = Nd4j.createBufferDetached(new long[] {length}, DataType.FLOAT);
                values.asNio().order(ByteOrder.nativeOrder()).asFloatBuffer()
                        .put(ByteBuffer.wrap(bytes, in.pos, in.available()).order(ByteOrder.BIG_ENDIAN).asFloatBuffer());
                return Nd4j.createArrayFromShapeBuffer(values, shapeInfo);
            }
        } catch (RuntimeException e) {
            // not the layout decoded above: Nd4j.read below says what is wrong with it
        }
        try (DataInputStream again = new DataInputStream(new UnsynchronizedBytes(bytes))) {
            return Nd4j.read(again);
        }
    }

    /** The data type recorded in the shape information, or null for buffers written before it was recorded. */
    private static DataType storedType(DataBuffer shapeInfo) {
        try {
            return ArrayOptionsHelper.dataType(shapeInfo.asLong());
        } catch (RuntimeException legacy) {
            return null;
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
