package org.speech2face.contracts;

import java.util.Arrays;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;

/**
 * A float32 tensor stored as a plain {@code array<float>} (no nulls) column, its shape in the dataset's own shape
 * columns and its layout in the column's {@code comment} metadata: any Parquet reader (pandas, pyarrow, DuckDB)
 * gets the numbers without this project's code. Spark's vectorised Parquet reader covers arrays of primitives since
 * Spark 3.4, and {@link #read(ArrayData, String, int...)} copies an array into a {@code float[]} without boxing, so
 * readers on the hot path (training) stay as fast as the little-endian binary columns this replaced.
 */
public final class TensorColumn {
    /** The metadata key Spark (and Delta) show as a column's comment. */
    public static final String COMMENT = "comment";

    private TensorColumn() {
    }

    /** A non-null {@code array<float>} column whose comment says its layout, e.g. "float32 [fc7_dim]". */
    public static StructField field(String name, String layout) {
        return new StructField(name, DataTypes.createArrayType(DataTypes.FloatType, false), false, comment(layout));
    }

    /** A non-null binary column (an encoded file, not a tensor) whose comment says what it holds. */
    public static StructField binary(String name, String contents) {
        return new StructField(name, DataTypes.BinaryType, false, comment(contents));
    }

    private static Metadata comment(String text) {
        return new MetadataBuilder().putString(COMMENT, text).build();
    }

    /**
     * The value a {@link Row} of a contract holds for a tensor: Spark's row encoder takes a Java array for an
     * {@code array<float>} column. The array itself, not a copy: the encoder copies it when the row is written.
     */
    public static float[] value(float[] values) {
        return values;
    }

    /** {@link #value(float[])} of doubles rounded to float32, for aggregates computed in double precision. */
    public static float[] value(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /**
     * The tensor in column {@code name} of an external {@link Row} (a Scala {@code Seq}, a Java list or a
     * {@code float[]}), checked against {@code shape}. Boxed: use it for a few rows on the driver; executors reading
     * many rows go through {@link #read(ArrayData, String, int...)}.
     */
    public static float[] read(Row r, String name, int... shape) {
        Object v = r.getAs(name);
        float[] out;
        if (v instanceof float[] a) {
            out = a.clone();
        } else if (v instanceof scala.collection.Seq<?> seq) {
            out = unbox(scala.collection.JavaConverters.seqAsJavaList(seq), name);
        } else if (v instanceof List<?> list) {
            out = unbox(list, name);
        } else {
            throw new IllegalArgumentException("Column " + name + " holds " + (v == null ? "null"
                    : "a " + v.getClass().getName()) + ", not an array of float32.");
        }
        return checked(out, name, shape);
    }

    /** The tensor in an {@code array<float>} value of an internal row, copied without boxing, checked against {@code shape}. */
    public static float[] read(ArrayData a, String name, int... shape) {
        if (a == null) {
            throw new IllegalArgumentException("Column " + name + " is null for shape " + Arrays.toString(shape) + ".");
        }
        int i = firstNullElement(a);
        if (i >= 0) { // toFloatArray() would read it as 0
            throw new IllegalArgumentException("Column " + name + " holds null at index " + i + ", not a float32.");
        }
        return checked(a.toFloatArray(), name, shape);
    }

    /** The index of the first null element of {@code a}, or -1: a bit test per element, cheap beside the copy. */
    public static int firstNullElement(ArrayData a) {
        for (int i = 0; i < a.numElements(); i++) {
            if (a.isNullAt(i)) {
                return i;
            }
        }
        return -1;
    }

    private static float[] unbox(List<?> list, String name) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            if (!(e instanceof Float f)) {
                throw new IllegalArgumentException("Column " + name + " holds " + e + " at index " + i
                        + ", not a float32.");
            }
            out[i] = f;
        }
        return out;
    }

    /** {@code values} if its length is the product of {@code shape}; an exception naming both otherwise. */
    static float[] checked(float[] values, String name, int... shape) {
        long expected = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor shape " + Arrays.toString(shape) + " of column " + name
                        + " has a negative dimension.");
            }
            expected *= d;
        }
        if (values.length != expected) {
            throw new IllegalArgumentException("Column " + name + " holds " + values.length + " floats, which is not "
                    + "shape " + Arrays.toString(shape) + " (" + expected + " floats expected).");
        }
        return values;
    }
}
