package org.speech2face.model.io;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ND4J array as its raw bytes, copied in blocks of 1 MB, after a short header (type and shape). ND4J's own
 * {@code Nd4j.write} goes through a {@code DataOutputStream} one element at a time: through Spark's Kryo that took
 * 0.6-0.9 s to write and 1.1 s to read 277 MB here, and a paper-size decoder's averaging round moves 0.83 GB each
 * way. Off the CPU backend, on a big-endian machine, for arrays over 2 GB and for strings or compressed arrays it
 * writes ND4J's own format behind a marker instead, which {@link #read} reads as well.
 */
public final class ArrayBytes {
    private static final byte NULL = 0;
    private static final byte RAW = 1;
    private static final byte ND4J = 2;
    private static final byte EMPTY = 3;
    private static final int BLOCK = 1 << 20;

    private ArrayBytes() {
    }

    private static volatile Boolean raw;

    /** Whether raw bytes apply here (asked once: ND4J builds its environment description on every call). */
    private static boolean raw() {
        Boolean r = raw;
        if (r == null) {
            raw = r = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                    && "CPU".equalsIgnoreCase(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
        }
        return r;
    }

    /** Writes {@code a} (null allowed) to {@code os}, which stays open. */
    public static void write(INDArray a, OutputStream os) throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        if (a == null) {
            out.writeByte(NULL);
        } else if (!raw() || a.dataType() == DataType.UTF8 || a.isCompressed()
                || a.length() * a.dataType().width() > Integer.MAX_VALUE) { // a ByteBuffer holds 2 GB at most
            out.writeByte(ND4J);
            Nd4j.write(a, out);
        } else {
            boolean contiguous = a.isEmpty() || !a.isView() && a.ordering() == 'c' && a.data().length() == a.length();
            INDArray c = contiguous ? a : a.dup('c');
            out.writeByte(c.isEmpty() ? EMPTY : RAW);
            out.writeUTF(c.dataType().name());
            long[] shape = c.shape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            long total = c.isEmpty() ? 0 : c.length() * c.dataType().width();
            ByteBuffer bytes = total == 0 ? ByteBuffer.allocate(0) : c.data().asNio();
            byte[] block = new byte[(int) Math.min(BLOCK, total)];
            bytes.position(0);
            for (long done = 0; done < total; ) {
                int n = (int) Math.min(block.length, total - done);
                bytes.get(block, 0, n);
                out.write(block, 0, n);
                done += n;
            }
        }
        out.flush();
    }

    /** Reads an array {@link #write} wrote; null if it wrote null. */
    public static INDArray read(InputStream is) throws IOException {
        DataInputStream in = new DataInputStream(is);
        byte kind = in.readByte();
        if (kind == NULL) {
            return null;
        }
        if (kind == ND4J) {
            return Nd4j.read(in);
        }
        if (kind != RAW && kind != EMPTY) {
            throw new IOException("Not a packed ND4J array: its first byte is " + kind + ".");
        }
        DataType type = DataType.valueOf(in.readUTF());
        long[] shape = new long[in.readInt()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = in.readLong();
        }
        if (kind == EMPTY) {
            return shape.length == 0 ? Nd4j.empty(type) : Nd4j.create(type, shape);
        }
        INDArray a = Nd4j.createUninitialized(type, shape, 'c');
        ByteBuffer bytes = a.data().asNio();
        long total = a.length() * type.width();
        byte[] block = new byte[(int) Math.min(BLOCK, total)];
        bytes.position(0);
        for (long done = 0; done < total; ) {
            int n = (int) Math.min(block.length, total - done);
            in.readFully(block, 0, n);
            bytes.put(block, 0, n);
            done += n;
        }
        return a;
    }
}
