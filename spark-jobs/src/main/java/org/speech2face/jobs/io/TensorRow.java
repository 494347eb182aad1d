package org.speech2face.jobs.io;

import java.io.Serializable;
import java.util.Iterator;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.speech2face.contracts.TensorColumn;

/**
 * A row of a dataset with tensor columns, read by column name from Spark's internal row. Going through
 * {@code Dataset.javaRDD()} would turn every {@code array<float>} into a Scala sequence of boxed floats (300 000
 * objects per spectrogram); {@link #map} skips that conversion and {@link #floats} copies the array's bytes into a
 * {@code float[]} (UnsafeArrayData), which keeps the training input read as fast as the binary columns were.
 * A view is reused from row to row: take what you need from it inside the function.
 */
public final class TensorRow implements Serializable {
    private static final long serialVersionUID = 1L;
    private final StructType schema;
    private transient InternalRow row;

    private TensorRow(StructType schema) {
        this.schema = schema;
    }

    /** {@code fn} of every row of {@code rows}, on the executors, without converting rows to external ones. */
    public static <T> JavaRDD<T> map(Dataset<Row> rows, Function<TensorRow, T> fn) {
        StructType schema = rows.schema();
        return rows.queryExecution().toRdd().toJavaRDD().mapPartitions(in -> {
            TensorRow view = new TensorRow(schema);
            return new Iterator<T>() {
                @Override
                public boolean hasNext() {
                    return in.hasNext();
                }

                @Override
                public T next() {
                    view.row = in.next();
                    try {
                        return fn.call(view);
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }
            };
        });
    }

    /**
     * {@code fn} over every partition of {@code rows}, its output as rows of {@code outputSchema}: what
     * {@code rows.mapPartitions(fn, Encoders.row(outputSchema))} does, except that the rows {@code fn} gets hold each
     * {@code array<float>} column as a {@code float[]} copied from Spark's internal row (read it with
     * {@code TensorColumn.read}) where Spark's own conversion would box every float. For the stages whose per-row
     * code works on {@link Row}s (predict-gender, evaluate): a spectrogram is 307,372 floats.
     */
    public static Dataset<Row> mapPartitions(Dataset<Row> rows, MapPartitionsFunction<Row, Row> fn,
                                             StructType outputSchema) {
        StructType schema = rows.schema();
        JavaRDD<Row> out = rows.queryExecution().toRdd().toJavaRDD().map(r -> external(r, schema))
                .mapPartitions(fn::call);
        return rows.sparkSession().createDataFrame(out, outputSchema);
    }

    /** {@code row} as an external row of {@code schema}, every {@code array<float>} a new {@code float[]}. */
    static Row external(InternalRow row, StructType schema) {
        Object[] values = new Object[schema.length()];
        for (int i = 0; i < values.length; i++) {
            DataType type = schema.fields()[i].dataType();
            if (row.isNullAt(i)) {
                values[i] = null;
            } else if (type instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType)
                    && TensorColumn.firstNullElement(row.getArray(i)) < 0) {
                values[i] = row.getArray(i).toFloatArray();
            } else { // a float array with a null element stays boxed, so that TensorColumn.read names the element
                values[i] = CatalystTypeConverters.convertToScala(row.get(i, type), type);
            }
        }
        return new GenericRowWithSchema(values, schema);
    }

    /** A view of one internal row of {@code schema} (for tests and the driver). */
    public static TensorRow of(StructType schema, InternalRow row) {
        TensorRow view = new TensorRow(schema);
        view.row = row;
        return view;
    }

    private int index(String name) {
        return schema.fieldIndex(name); // throws IllegalArgumentException naming the column when it is not there
    }

    public boolean isNull(String name) {
        return row.isNullAt(index(name));
    }

    /** A string column's value, null when it is null. */
    public String string(String name) {
        int i = index(name);
        if (row.isNullAt(i)) {
            return null;
        }
        UTF8String s = row.getUTF8String(i);
        return s.toString();
    }

    public int integer(String name) {
        return row.getInt(nonNull(name));
    }

    public boolean bool(String name) {
        return row.getBoolean(nonNull(name));
    }

    public byte[] bytes(String name) {
        return row.getBinary(nonNull(name));
    }

    /** An {@code array<float>} column as a new {@code float[]}, checked against {@code shape}. */
    public float[] floats(String name, int... shape) {
        return TensorColumn.read(row.getArray(nonNull(name)), name, shape);
    }

    private int nonNull(String name) {
        int i = index(name);
        if (row.isNullAt(i)) {
            throw new IllegalArgumentException("Column " + name + " is null.");
        }
        return i;
    }
}
