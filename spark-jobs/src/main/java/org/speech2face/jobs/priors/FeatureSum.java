package org.speech2face.jobs.priors;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.expressions.Aggregator;
import org.speech2face.model.priors.FacePriors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sums float32 feature vectors (the {@code array<float>} fc7 column) in double precision inside Spark's aggregation,
 * so only one sum per group reaches the driver, never the rows. The result is little-endian float64 bytes.
 */
public final class FeatureSum extends Aggregator<float[], double[], byte[]> {
    private static final long serialVersionUID = 1L;

    /**
     * The input encoder for {@code functions.udaf}: an {@code array<float>} without nulls as a {@code float[]}, which
     * Spark fills with one copy of the array's bytes (no boxed floats).
     */
    @SuppressWarnings("unchecked")
    public static Encoder<float[]> input() {
        return (Encoder<float[]>) (Encoder<?>) ExpressionEncoder.apply(
                new AgnosticEncoders.ArrayEncoder<>(AgnosticEncoders.PrimitiveFloatEncoder$.MODULE$, false));
    }

    @Override
    public double[] zero() {
        return new double[0];
    }

    @Override
    public double[] reduce(double[] sum, float[] feature) {
        return FacePriors.add(sum, feature);
    }

    @Override
    public double[] merge(double[] a, double[] b) {
        return FacePriors.merge(a, b);
    }

    @Override
    public byte[] finish(double[] sum) {
        ByteBuffer buf = ByteBuffer.allocate(sum.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asDoubleBuffer().put(sum);
        return buf.array();
    }

    @Override
    public Encoder<double[]> bufferEncoder() {
        return Encoders.kryo(double[].class);
    }

    @Override
    public Encoder<byte[]> outputEncoder() {
        return Encoders.BINARY();
    }

    /** Reads a {@link #finish} result. */
    public static double[] decode(byte[] bytes) {
        double[] out = new double[bytes.length / Double.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }
}
