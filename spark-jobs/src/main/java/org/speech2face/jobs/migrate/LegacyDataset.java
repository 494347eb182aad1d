package org.speech2face.jobs.migrate;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataTypes;
import org.speech2face.contracts.FloatTensorCodec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.contracts.RejectsDataset;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.jobs.io.DeltaTables;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

/**
 * A dataset folder of the layout before Delta (plain Parquet folders) and how it becomes a Delta table.
 *
 * @param path       the folder under data.root, e.g. {@code faces} or {@code reports/table4}
 * @param schema     the contract's columns, or null to keep the folder's own (tables whose schema lives in a stage)
 * @param partitions the new table's partition columns
 * @param merged     whether stages MERGE into the table by key (created as they create it, deletion vectors on), or
 *                   replace it whole (a plain write, as {@code DeltaTables.replace} does)
 */
record LegacyDataset(String path, StructType schema, List<String> partitions, boolean merged) {
    private static final List<String> SPLIT = List.of("split");

    /** Every dataset folder of the old layout, in pipeline order. */
    static final List<LegacyDataset> ALL = List.of(
            new LegacyDataset(DataLayout.FACES, FacesDataset.SCHEMA, SPLIT, true),
            new LegacyDataset(DataLayout.SPECTROGRAMS, SpectrogramsDataset.SCHEMA, SPLIT, true),
            new LegacyDataset(DataLayout.FACE_FEATURES, FaceFeaturesDataset.SCHEMA, SPLIT, true),
            new LegacyDataset(DataLayout.GENDER, GenderDataset.SCHEMA, SPLIT, true),
            new LegacyDataset(DataLayout.PRIORS, PriorsDataset.SCHEMA, List.of(), false),
            new LegacyDataset(DataLayout.PRIOR_CONVERGENCE, PriorsDataset.CONVERGENCE, List.of(), false),
            // rejects/stage=<stage>/: reading the folder gives the stage column, the new table's partition column.
            new LegacyDataset(DataLayout.REJECTS, RejectsDataset.TABLE_SCHEMA, List.of(RejectsDataset.STAGE), true),
            // A folder run of generate: its schema belongs to the generate stage; the folder's own is kept.
            new LegacyDataset("generated", null, List.of(), true),
            new LegacyDataset(DataLayout.REPORTS + "/table4", null, List.of(), false),
            new LegacyDataset(DataLayout.REPORTS + "/table5", null, List.of(), false),
            new LegacyDataset(DataLayout.REPORTS + "/table6", null, List.of(), false),
            new LegacyDataset(DataLayout.REPORTS + "/clip_scores", null, List.of(), false));

    /**
     * The old rows with the contract's columns in its order and types. A column the old files lack is null when
     * the contract allows it (rejects' {@code input_fingerprint}, which older runs did not record), else an error
     * that names it.
     */
    /** A tensor of the layout before array columns: little-endian float32 bytes, as FloatTensorCodec wrote them. */
    private static final UserDefinedFunction LEGACY_TENSOR = udf(
            (UDF1<byte[], float[]>) b -> b == null ? null : FloatTensorCodec.decode(b, b.length / Float.BYTES),
            new ArrayType(DataTypes.FloatType, true));

    Dataset<Row> toContract(Dataset<Row> old) {
        if (schema == null) {
            return old;
        }
        List<String> have = Arrays.asList(old.columns());
        List<Column> columns = new ArrayList<>();
        // Cast to the nullable types the tables are declared with: files are read as nullable, and Spark does not
        // cast a nullable struct to one with NOT NULL fields.
        StructType declared = DeltaTables.nullable(schema);
        for (StructField f : schema.fields()) {
            if (have.contains(f.name()) && old.schema().apply(f.name()).dataType() instanceof BinaryType
                    && f.dataType() instanceof ArrayType) {
                // Before the tensors were array<float> columns, they were little-endian float32 bytes.
                columns.add(LEGACY_TENSOR.apply(col("`" + f.name() + "`")).as(f.name(), f.metadata()));
            } else if (have.contains(f.name())) {
                columns.add(col("`" + f.name() + "`").cast(declared.apply(f.name()).dataType()).as(f.name()));
            } else if (f.nullable()) {
                columns.add(lit(null).cast(f.dataType()).as(f.name()));
            } else {
                throw new IllegalStateException("The Parquet folder " + path + "/ has no column '" + f.name()
                        + "', which its contract requires (it has " + String.join(", ", have)
                        + "); it was not written by s2f, or by a version too old to migrate.");
            }
        }
        return old.select(columns.toArray(Column[]::new));
    }
}
