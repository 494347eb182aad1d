package org.speech2face.jobs.io;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import static org.apache.spark.sql.functions.col;

/**
 * A contract's columns with their metadata (the tensors' layout comments, faces.image's format). Spark's row encoder
 * drops field metadata, so rows made by {@code mapPartitions(fn, Encoders.row(SCHEMA))} lose the comments the contract
 * declares; selecting these columns puts them back before the rows are written, and the Parquet footer (and a Delta
 * log) keeps them for any reader.
 */
public final class ContractColumns {
    private ContractColumns() {
    }

    /** Every column of {@code contract}, in order, carrying the contract's metadata. */
    public static Column[] of(StructType contract) {
        StructField[] fields = contract.fields();
        Column[] out = new Column[fields.length];
        for (int i = 0; i < fields.length; i++) {
            out[i] = col(fields[i].name()).as(fields[i].name(), fields[i].metadata());
        }
        return out;
    }
}
