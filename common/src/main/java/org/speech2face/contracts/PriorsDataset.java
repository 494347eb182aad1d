package org.speech2face.contracts;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code priors/} contract: a face prior (the mean fc7 of n faces, computed in double precision, stored as
 * float32) per name (neutral, male, female) and n; and {@code prior_convergence/}, Table 1's L1 between the priors
 * of consecutive n. Both say which weights, seed and gender source made them.
 */
public final class PriorsDataset {
    public static final StructType SCHEMA = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("n", DataTypes.IntegerType, false)
            .add("dim", DataTypes.IntegerType, false)
            .add(TensorColumn.field("feature", "float32 [dim]: the mean VGGFace fc7 of n faces (computed in float64)"))
            .add("faces_available", DataTypes.LongType, false)
            .add("vggface_id", DataTypes.StringType, false)
            .add("seed", DataTypes.LongType, false)
            .add("gender_from", DataTypes.StringType, false);

    public static final StructType CONVERGENCE = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("n1", DataTypes.IntegerType, false)
            .add("n2", DataTypes.IntegerType, false)
            .add("l1", DataTypes.DoubleType, false)
            .add("l1_per_dim", DataTypes.DoubleType, false)
            .add("dim", DataTypes.IntegerType, false);

    private PriorsDataset() {
    }

    public static Row prior(String name, int n, double[] mean, long available, String vggfaceId, long seed,
                            String genderFrom) {
        return RowFactory.create(name, n, mean.length, TensorColumn.value(mean), available, vggfaceId, seed,
                genderFrom);
    }

    /** Row for Table 1: {@code n1} the larger count, {@code n2} the smaller, as the paper prints them. */
    public static Row convergence(String name, int n1, int n2, double l1, int dim) {
        return RowFactory.create(name, n1, n2, l1, l1 / dim, dim);
    }

    /** A row of priors/ as a candidate of {@link PriorSelection}. */
    public static PriorSelection.Candidate candidate(Row r) {
        return new PriorSelection.Candidate(r.getAs("name"), r.<Integer>getAs("n"), r.getAs("vggface_id"),
                () -> feature(r));
    }

    /** The prior of a row. */
    public static float[] feature(Row r) {
        return TensorColumn.read(r, "feature", r.<Integer>getAs("dim"));
    }
}
