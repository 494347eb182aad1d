package org.speech2face.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import scala.reflect.ClassTag$;

/**
 * Arrays through Spark's Kryo serializer (configured as the jobs configure it) and Java serialisation as raw bytes:
 * values, shapes and types come back whole, for views and transposes too.
 */
class PackedArrayTest {
    private static final SerializerInstance KRYO = new KryoSerializer(new SparkConf()
            .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")).newInstance();

    private static PackedArray kryo(PackedArray p) {
        ByteBuffer bytes = KRYO.serialize(p, ClassTag$.MODULE$.apply(PackedArray.class));
        return KRYO.deserialize(bytes, ClassTag$.MODULE$.apply(PackedArray.class));
    }

    private static PackedArray java(PackedArray p) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(p);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
            return (PackedArray) in.readObject();
        }
    }

    private static List<INDArray> arrays() {
        Nd4j.getRandom().setSeed(3);
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 300, 700);
        return List.of(Nd4j.rand(DataType.FLOAT, 3_000_001), // more than two 1 MB blocks, and not a whole one
                Nd4j.rand(DataType.DOUBLE, 4, 5, 6), Nd4j.createFromArray(1, -2, 3), Nd4j.scalar(2.5f),
                matrix.get(NDArrayIndex.interval(10, 20), NDArrayIndex.interval(5, 600)), // a view
                matrix.transpose()); // f order
    }

    @Test
    void arraysComeBackWholeThroughKryoAndJavaSerialisation() throws Exception {
        for (INDArray a : arrays()) {
            for (INDArray back : List.of(kryo(new PackedArray(a)).get(), java(new PackedArray(a)).get())) {
                assertThat(back.dataType()).isEqualTo(a.dataType());
                assertThat(back.shape()).isEqualTo(a.shape());
                assertThat(back).isEqualTo(a);
            }
        }
        assertThat(kryo(new PackedArray(null)).get()).isNull();
        INDArray empty = Nd4j.empty(DataType.FLOAT);
        assertThat(kryo(new PackedArray(empty)).get().isEmpty()).isTrue();
    }
}
