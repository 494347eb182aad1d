package org.speech2face.jobs.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.contracts.TensorColumn;
import org.speech2face.testing.SharedSpark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tensors are plain {@code array<float>} columns any Parquet reader understands: the contracts declare them so
 * (a tensor going back to opaque binary fails here), and both ways of reading one give the values written.
 * IngestJobsTest checks a spectrogram written by ingest-audio against the one computed from its clip.
 */
@ExtendWith(SharedSpark.class)
class TensorColumnsTest {
    static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SharedSpark.session();
    }

    @Test
    void everyTensorColumnIsAnArrayOfFloatWithItsLayoutAndTheFaceIsAPng() {
        assertTensor(SpectrogramsDataset.SCHEMA, "spec", "[frames][bins][2]");
        assertTensor(FaceFeaturesDataset.SCHEMA, "fc7", "[fc7_dim]");
        assertTensor(FaceFeaturesDataset.SCHEMA, "fc8", "[fc8_dim]");
        assertTensor(PriorsDataset.SCHEMA, "feature", "[dim]");
        StructField image = FacesDataset.SCHEMA.apply("image");
        assertThat(image.dataType()).isEqualTo(DataTypes.BinaryType);
        assertThat(image.metadata().getString(TensorColumn.COMMENT)).startsWith("image/png, 224x224 RGB");
    }

    @Test
    void internalAndExternalRowsReadTheValuesWritten() {
        Random random = new Random(3);
        float[] a = new float[6 * 4 * 2];
        float[] b = new float[6 * 4 * 2];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = -a[i] * i;
        }
        Dataset<Row> d = spark.createDataFrame(List.of(
                SpectrogramsDataset.row("a", "aaaaaaaaaaa", "train", 6.0, false, 16000, 6, 4, a, 0.1),
                SpectrogramsDataset.row("b", "bbbbbbbbbbb", "train", 6.0, false, 16000, 6, 4, b, 0.1)),
                SpectrogramsDataset.SCHEMA).orderBy("clip_id");
        List<float[]> fast = TensorRow.map(d, r -> r.floats("spec", r.integer("frames"), r.integer("bins"), 2))
                .collect();
        assertThat(fast).containsExactly(a, b);
        List<Row> rows = d.collectAsList();
        assertThat(SpectrogramsDataset.spec(rows.get(0))).isEqualTo(a);
        assertThat(SpectrogramsDataset.spec(rows.get(1))).isEqualTo(b);
    }

    /**
     * The stages that work on Rows get each array&lt;float&gt; as a float[] (no boxed floats), every other column as
     * Spark would convert it, nulls included, and a float array with a null element still rejected by name; the
     * output rows come back as a dataset of the schema asked for.
     */
    @Test
    void partitionsOfExternalRowsHoldTheirTensorsAsFloatArrays() {
        float[] spec = {0.5f, -1.25f, 3f, 0f, 7.5f, -0f, 1e-8f, 2f};
        StructType schema = new StructType().add("clip_id", DataTypes.StringType).add("line", DataTypes.LongType)
                .add("image", DataTypes.BinaryType).add("frames", DataTypes.IntegerType)
                .add("spec", new ArrayType(DataTypes.FloatType, true))
                .add("tags", new ArrayType(DataTypes.StringType, true));
        Dataset<Row> d = spark.createDataFrame(List.of(
                RowFactory.create("a", 3L, new byte[] {1, 2}, 2, spec, new String[] {"x"}),
                RowFactory.create("b", null, null, 4, null, null),
                RowFactory.create("c", 5L, new byte[0], 1, new Float[] {1f, null}, new String[0])), schema);
        StructType out = new StructType().add("clip_id", DataTypes.StringType).add("what", DataTypes.StringType);
        List<Row> seen = TensorRow.mapPartitions(d, rows -> {
            List<Row> described = new ArrayList<>();
            rows.forEachRemaining(r -> described.add(RowFactory.create(r.getAs("clip_id"), r.getString(0).equals("c")
                    ? readError(r)
                    : r.isNullAt(4)
                    ? "line " + r.getAs("line") + ", image " + r.getAs("image") + ", spec null, tags " + r.getAs("tags")
                    : r.get(4).getClass().getSimpleName() + " " + Arrays.toString((float[]) r.get(4)) + ", line "
                    + r.getAs("line") + ", image " + Arrays.toString((byte[]) r.getAs("image")) + ", frames "
                    + r.getInt(3) + ", tags " + r.getList(5) + ", read " + Arrays.toString(
                    TensorColumn.read(r, "spec", 2, 2, 2)))));
            return described.iterator();
        }, out).orderBy("clip_id").collectAsList();
        assertThat(seen).extracting(r -> r.getString(0) + ": " + r.getString(1)).containsExactly(
                "a: float[] " + Arrays.toString(spec) + ", line 3, image [1, 2], frames 2, tags [x], read "
                        + Arrays.toString(spec),
                "b: line null, image null, spec null, tags null",
                "c: Column spec holds null at index 1, not a float32.");
    }

    private static String readError(Row r) {
        try {
            return "read " + Arrays.toString(TensorColumn.read(r, "spec", 2));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void aTensorOfTheWrongLengthIsReportedWithItsShape() {
        Row row = SpectrogramsDataset.row("a", "aaaaaaaaaaa", "train", 6.0, false, 16000, 598, 257, new float[12], 0.1);
        Dataset<Row> d = spark.createDataFrame(List.of(row), SpectrogramsDataset.SCHEMA);
        assertThatThrownBy(() -> SpectrogramsDataset.spec(d.first()))
                .hasMessageContaining("12 floats").hasMessageContaining("[598, 257, 2]");
        assertThatThrownBy(() -> TensorRow.map(d, r -> r.floats("spec", 598, 257, 2)).collect())
                .hasMessageContaining("12 floats");
    }

    /** A null element is named, not read as 0, on the executors' copying path too. */
    @Test
    void aNullElementIsReportedWithItsIndexOnTheCopyingPath() {
        StructType schema = new StructType().add("spec", new ArrayType(DataTypes.FloatType, true));
        Dataset<Row> d = spark.createDataFrame(List.of(RowFactory.create((Object) new Float[] {1f, 2f, null, 4f})),
                schema);
        assertThatThrownBy(() -> TensorRow.map(d, r -> r.floats("spec", 4)).collect())
                .hasMessageContaining("Column spec holds null at index 2, not a float32.");
    }

    private static void assertTensor(StructType schema, String column, String shape) {
        StructField f = schema.apply(column);
        assertThat(f.dataType()).as(column).isEqualTo(new ArrayType(DataTypes.FloatType, false));
        assertThat(f.nullable()).as(column).isFalse();
        assertThat(f.metadata().getString(TensorColumn.COMMENT)).as(column).startsWith("float32 " + shape);
    }
}
