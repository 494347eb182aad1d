package org.speech2face.jobs.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.audio.AudioSegmentDecoder;
import org.speech2face.audio.Spectrogram;
import org.speech2face.audio.SpectrogramExtractor;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.contracts.TensorColumn;
import org.speech2face.jobs.ingest.IngestAudioJob;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.testing.SharedSpark;
import org.speech2face.testing.TestSpark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tensors are plain {@code array<float>} columns any Parquet reader understands: the contracts declare them so,
 * ingest-audio writes them so, and what it writes is the spectrogram itself, value for value. Guards against a
 * tensor column going back to opaque binary.
 */
@ExtendWith(SharedSpark.class)
class TensorColumnsTest {
    private static final String CLIP = "rhTuvqCdmPG";
    private static final double START = 0.0;
    private static final double END = 7.2;

    static SparkSession spark;

    @TempDir
    Path tmp;

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
    void ingestAudioWritesTheComputedSpectrogramAsAnArrayOfFloat() throws Exception {
        Path root = tmp.resolve("root");
        Path csv = tmp.resolve("one.csv");
        Files.writeString(csv, CLIP + "," + START + "," + END + ",0.5,0.35\n");
        Path videos = TestSpark.SAMPLE.resolve("videos");
        S2fConfig cfg = TestSpark.config(root, csv, videos);
        RunReport report = TestSpark.run(spark, new IngestAudioJob(), cfg);
        assertThat(report.count(KeyedStageJob.Counts.WRITTEN)).isEqualTo(1);

        Dataset<Row> written = spark.read().parquet(root.resolve("spectrograms").toString());
        // Spark reads every column back as nullable; the comment survives, and the file itself says no nulls.
        StructField spec = written.schema().apply("spec");
        assertThat(spec.dataType()).isInstanceOf(ArrayType.class);
        assertThat(((ArrayType) spec.dataType()).elementType()).isEqualTo(DataTypes.FloatType);
        assertThat(spec.metadata().getString(TensorColumn.COMMENT)).isEqualTo(SpectrogramsDataset.LAYOUT);
        assertThat(parquetColumn(partFile(root.resolve("spectrograms")), "spec"))
                .isEqualTo("required group spec (LIST) {\n  repeated group list {\n    required float element;\n  }\n}");
        Spectrogram expected = new SpectrogramExtractor(cfg.ingest().audio()).extract(
                new AudioSegmentDecoder(cfg.ingest().audio()).decode(videos.resolve(CLIP + ".mp4"), START, END));

        Row row = written.first();
        assertThat(row.<Integer>getAs("frames")).isEqualTo(expected.frames());
        assertThat(row.<Integer>getAs("bins")).isEqualTo(expected.bins());
        assertThat(SpectrogramsDataset.spec(row)).isEqualTo(expected.data());
        List<float[]> fast = TensorRow.map(written, r -> r.floats("spec", r.integer("frames"), r.integer("bins"), 2))
                .collect();
        assertThat(fast).hasSize(1);
        assertThat(fast.get(0)).isEqualTo(expected.data());
        assertThat(expected.data()).hasSize(598 * 257 * 2);
        double energy = 0;
        for (float v : expected.data()) {
            energy += v * v;
        }
        assertThat(energy).as("a spectrogram of speech, not zeros").isGreaterThan(1.0);
    }

    @Test
    void aTensorOfTheWrongLengthIsReportedWithItsShape() throws IOException {
        Row row = SpectrogramsDataset.row("a", "aaaaaaaaaaa", "train", 6.0, false, 16000, 598, 257, new float[12], 0.1);
        Dataset<Row> d = spark.createDataFrame(List.of(row), SpectrogramsDataset.SCHEMA);
        assertThatThrownBy(() -> SpectrogramsDataset.spec(d.first()))
                .hasMessageContaining("12 floats").hasMessageContaining("[598, 257, 2]");
        assertThatThrownBy(() -> TensorRow.map(d, r -> r.floats("spec", 598, 257, 2)).collect())
                .hasMessageContaining("12 floats");
    }

    private static Path partFile(Path dataset) throws IOException {
        try (var files = Files.walk(dataset)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")
                    && !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
    }

    /** How a Parquet file's own schema declares {@code column}, as Parquet prints it. */
    private static String parquetColumn(Path file, String column) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            MessageType schema = r.getFooter().getFileMetaData().getSchema();
            return schema.getType(column).toString().strip();
        }
    }

    private static void assertTensor(StructType schema, String column, String shape) {
        StructField f = schema.apply(column);
        assertThat(f.dataType()).as(column).isEqualTo(new ArrayType(DataTypes.FloatType, false));
        assertThat(f.nullable()).as(column).isFalse();
        assertThat(f.metadata().getString(TensorColumn.COMMENT)).as(column).startsWith("float32 " + shape);
    }
}
