package org.speech2face.jobs.priors;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import org.speech2face.contracts.FloatTensorCodec;
import org.speech2face.model.priors.FacePriors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sums float32 feature vectors (the binary fc7 column) in double precision inside Spark's aggregation, so only one
 * sum per group reaches the driver, never the rows. The result is little-endian float64 bytes.
 */
public final class FeatureSum extends Aggregator<byte[], double[], byte[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public double[] zero() {
        return new double[0];
    }

    @Override
    public double[] reduce(double[] sum, byte[] feature) {
        return FacePriors.add(sum, FloatTensorCodec.decode(feature, feature.length / Float.BYTES));
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
