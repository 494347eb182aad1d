package org.speech2face.jobs.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.speech2face.model.io.ArrayBytes;

/**
 * An ND4J array that crosses Spark's wire as its raw bytes ({@link ArrayBytes}), where ND4J's Kryo serializer writes
 * it one element at a time. Serialisable by Kryo and by Java serialisation alike.
 */
final class PackedArray implements KryoSerializable, Serializable {
    private static final long serialVersionUID = 1L;

    private transient INDArray array;

    PackedArray(INDArray array) {
        this.array = array;
    }

    /** The array (null if it was null). */
    INDArray get() {
        return array;
    }

    @Override
    public void write(Kryo kryo, Output output) {
        try {
            ArrayBytes.write(array, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void read(Kryo kryo, Input input) {
        try {
            array = ArrayBytes.read(input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        ArrayBytes.write(array, out);
    }

    private void readObject(ObjectInputStream in) throws IOException {
        array = ArrayBytes.read(in);
    }
}
