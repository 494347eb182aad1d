package org.speech2face.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.speech2face.contracts.TensorColumn;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks that a written dataset stores a tensor as a plain float32 list any Parquet reader understands. */
public final class TensorFiles {
    private TensorFiles() {
    }

    /**
     * {@code column} of the dataset at {@code dir}, as read by Spark ({@code written}), is an array of float with
     * the comment {@code contract} gives it, and a part file declares it as Parquet's standard list of floats.
     */
    public static void assertFloatList(Dataset<Row> written, Path dir, StructType contract, String column)
            throws IOException {
        String comment = contract.apply(column).metadata().getString(TensorColumn.COMMENT);
        StructField f = written.schema().apply(column);
        assertThat(f.dataType()).as(column).isInstanceOf(ArrayType.class); // Spark reads every column as nullable
        assertThat(((ArrayType) f.dataType()).elementType()).as(column).isEqualTo(DataTypes.FloatType);
        assertThat(f.metadata().contains(TensorColumn.COMMENT)).as(column + " has a comment").isTrue();
        assertThat(f.metadata().getString(TensorColumn.COMMENT)).as(column).isEqualTo(comment);
        // Parquet's standard list of floats. The Delta table declares every field nullable (Spark reads staged rows
        // back as nullable, and a MERGE cannot cast them to NOT NULL), so the file says optional where the contract
        // says the values are never null.
        assertThat(parquetColumn(partFile(dir), column)).matches("(required|optional) group " + column
                + " \\(LIST\\) \\{\n  repeated group list \\{\n    (required|optional) float element;\n  \\}\n\\}");
    }

    private static Path partFile(Path dataset) throws IOException {
        try (var files = Files.walk(dataset)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")
                    && !p.toString().contains("_delta_log")
                    && !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
    }

    /** How a Parquet file's own schema declares {@code column}, as Parquet prints it. */
    private static String parquetColumn(Path file, String column) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            return r.getFooter().getFileMetaData().getSchema().getType(column).toString().strip();
        }
    }
}
