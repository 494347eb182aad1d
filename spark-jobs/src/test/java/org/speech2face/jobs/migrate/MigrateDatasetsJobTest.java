package org.speech2face.jobs.migrate;

import org.apache.spark.sql.Row;
import org.speech2face.contracts.FloatTensorCodec;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.contracts.RejectsDataset;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.features.FaceFeaturesJob;
import org.speech2face.jobs.io.DeltaTables;
import org.speech2face.jobs.io.SourceDataset;
import org.speech2face.jobs.models.ConfiguredFeatures;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.stage.KeyedStageJob;
import org.speech2face.testing.SharedSpark;
import org.speech2face.testing.Tables;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.speech2face.jobs.JobTestSupport.config;
import static org.speech2face.jobs.JobTestSupport.run;

/**
 * A data root of the layout before Delta (Parquet folders written directly with the contracts' schemas, rejects
 * under {@code rejects/stage=<stage>/} without an input fingerprint) migrated: every dataset keeps its rows, the
 * stages read the tables, the old folders are kept aside, and a second run changes nothing.
 */
@ExtendWith(SharedSpark.class)
class MigrateDatasetsJobTest {
    /** The old rejects' columns: today's less the input fingerprint. */
    private static final StructType OLD_REJECTS = new StructType()
            .add(RejectsDataset.KEY, DataTypes.StringType).add("youtube_id", DataTypes.StringType)
            .add("line", DataTypes.LongType).add("reason_code", DataTypes.StringType)
            .add("message", DataTypes.StringType).add("input", DataTypes.StringType)
            .add("run_id", DataTypes.StringType);

    @Test
    void convertsEveryDatasetKeepsItsRowsAndASecondRunChangesNothing(SparkSession spark, @TempDir Path root)
            throws Exception {
        S2fConfig cfg = config(root, "");
        String featureId = ConfiguredFeatures.of(cfg, spark.sparkContext().hadoopConfiguration()).featureId();
        oldRoot(spark, root, featureId);

        RunReport dry = job(spark, cfg, true);
        assertThat(dry.count(MigrateDatasetsJob.Counts.CONVERTED)).isEqualTo(8);
        assertThat(root.resolve("faces/_delta_log")).doesNotExist();

        RunReport first = run(spark, new MigrateDatasetsJob(), cfg);
        assertThat(first.count(MigrateDatasetsJob.Counts.CONVERTED)).isEqualTo(8);
        assertThat(first.count(MigrateDatasetsJob.Counts.ROWS_BEFORE)).isEqualTo(3 + 2 + 2 + 2 + 1 + 1 + 3 + 1)
                .isEqualTo(first.count(MigrateDatasetsJob.Counts.ROWS_AFTER));
        Map<String, Long> expected = Map.of("faces", 3L, "spectrograms", 2L, "face_features", 2L, "gender", 2L,
                "priors", 1L, "prior_convergence", 1L, "rejects", 3L, "reports/table4", 1L);
        expected.forEach((name, rows) -> {
            assertThat(DeltaTables.exists(spark, new org.apache.hadoop.fs.Path(root.resolve(name).toString())))
                    .as(name).isTrue();
            assertThat(Tables.read(spark, root.resolve(name).toString()).count()).as(name).isEqualTo(rows);
            assertThat(root.resolve(name + ".parquet-backup")).as(name).isDirectory();
        });
        assertThat(root.resolve("faces/_reports/latest.md")).hasContent("old report");
        assertThat(root.resolve("faces/split=train")).isDirectory();
        assertThat(Tables.rejects(spark, root, "ingest-audio").count()).isEqualTo(2);
        assertThat(Tables.rejects(spark, root, "ingest-faces").filter("input_fingerprint is null").count())
                .isEqualTo(1);

        // The old binary tensors are arrays now, value for value.
        assertThat(SpectrogramsDataset.spec(Tables.read(spark, root.resolve("spectrograms").toString())
                .filter("clip_id = 'rhTuvqCdmPG_0'").first())).containsExactly(1, 2, 3, 4);
        assertThat(Tables.read(spark, root.resolve("priors").toString()).first().<Object>getAs("feature"))
                .asString().contains("0.5");

        // The stages read the tables: face-features plans the 3 faces and keeps the 2 with features.
        JobContext ctx = new JobContext(spark, cfg, JobContext.newRunId(), true, OptionalLong.empty());
        assertThat(SourceDataset.read(ctx, DataLayout.SPECTROGRAMS, SpectrogramsDataset.SCHEMA, "ingest-audio")
                .count()).isEqualTo(2);
        RunReport plan = new FaceFeaturesJob().run(ctx);
        assertThat(plan.count(KeyedStageJob.Counts.ROWS_IN)).isEqualTo(3);
        assertThat(plan.count(KeyedStageJob.Counts.UNCHANGED)).isEqualTo(2);
        assertThat(plan.count(KeyedStageJob.Counts.NEW)).isEqualTo(1);

        long version = DeltaTables.version(spark, new org.apache.hadoop.fs.Path(root.resolve("faces").toString()));
        RunReport second = run(spark, new MigrateDatasetsJob(), cfg);
        assertThat(second.count(MigrateDatasetsJob.Counts.CONVERTED)).isZero();
        assertThat(second.count(MigrateDatasetsJob.Counts.ALREADY_DELTA)).isEqualTo(8);
        assertThat(DeltaTables.version(spark, new org.apache.hadoop.fs.Path(root.resolve("faces").toString())))
                .isEqualTo(version);
    }

    @Test
    void refusesARootWithAFolderThatIsNeitherAndChangesNothing(SparkSession spark, @TempDir Path root)
            throws Exception {
        spark.createDataFrame(List.of(gender("rhTuvqCdmPG_0")), GenderDataset.SCHEMA).write()
                .parquet(root.resolve("gender").toString());
        Files.createDirectories(root.resolve("faces"));
        Files.writeString(root.resolve("faces/notes.txt"), "not a dataset");
        assertThatThrownBy(() -> run(spark, new MigrateDatasetsJob(), config(root, "")))
                .hasMessageContaining("faces/").hasMessageContaining("notes.txt")
                .hasMessageContaining("neither a Delta table nor a folder of Parquet files");
        assertThat(root.resolve("gender/_delta_log")).doesNotExist();
        assertThat(root.resolve("gender.parquet-backup")).doesNotExist();
    }

    @Test
    void finishesAConversionInterruptedBetweenItsTwoMoves(SparkSession spark, @TempDir Path root) throws Exception {
        spark.createDataFrame(List.of(gender("rhTuvqCdmPG_0"), gender("rhTuvqCdmPG_7200")), GenderDataset.SCHEMA)
                .write().parquet(root.resolve("gender.parquet-backup").toString());
        DeltaTables.createIfMissing(spark, new org.apache.hadoop.fs.Path(root.resolve("gender.migrating").toString()),
                GenderDataset.SCHEMA, List.of("split"));
        spark.read().parquet(root.resolve("gender.parquet-backup").toString()).write().format("delta")
                .mode("append").save(root.resolve("gender.migrating").toString());

        RunReport r = run(spark, new MigrateDatasetsJob(), config(root, ""));
        assertThat(r.count(MigrateDatasetsJob.Counts.CONVERTED)).isEqualTo(1);
        assertThat(Tables.read(spark, root.resolve("gender").toString()).count()).isEqualTo(2);
        assertThat(root.resolve("gender.migrating")).doesNotExist();
    }

    private static RunReport job(SparkSession spark, S2fConfig cfg, boolean dryRun) throws Exception {
        return new MigrateDatasetsJob().run(new JobContext(spark, cfg, JobContext.newRunId(), dryRun,
                OptionalLong.empty()));
    }

    /** A few rows per dataset, as the stages wrote them before Delta: flat Parquet folders. */
    private static void oldRoot(SparkSession spark, Path root, String featureId) throws Exception {
        byte[] png = {1, 2, 3};
        parquet(spark, root, "faces", FacesDataset.SCHEMA, List.of(
                FacesDataset.row("rhTuvqCdmPG_0", "rhTuvqCdmPG", "train", 0.5, 1, 2, 3, 4, "haar", 0.9, png, 480, 360),
                FacesDataset.row("rhTuvqCdmPG_7200", "rhTuvqCdmPG", "train", 7.5, 1, 2, 3, 4, "haar", 0.9, png, 480, 360),
                FacesDataset.row("GJtRd8oSJ_l_0", "GJtRd8oSJ_l", "test", 0.5, 1, 2, 3, 4, "haar", 0.9, png, 480, 360)));
        Files.createDirectories(root.resolve("faces/_reports"));
        Files.writeString(root.resolve("faces/_reports/latest.md"), "old report");
        parquet(spark, root, "spectrograms", SpectrogramsDataset.SCHEMA, List.of(
                SpectrogramsDataset.row("rhTuvqCdmPG_0", "rhTuvqCdmPG", "train", 7.2, false, 16000, 1, 2,
                        new float[] {1, 2, 3, 4}, 0.1),
                SpectrogramsDataset.row("GJtRd8oSJ_l_0", "GJtRd8oSJ_l", "test", 4.0, true, 16000, 1, 2,
                        new float[] {1, 2, 3, 4}, 0.1)));
        parquet(spark, root, "face_features", FaceFeaturesDataset.SCHEMA, List.of(
                FaceFeaturesDataset.toRow("rhTuvqCdmPG_0", "rhTuvqCdmPG", "train", new float[4], new float[2], featureId),
                FaceFeaturesDataset.toRow("GJtRd8oSJ_l_0", "GJtRd8oSJ_l", "test", new float[4], new float[2], featureId)));
        parquet(spark, root, "gender", GenderDataset.SCHEMA, List.of(gender("rhTuvqCdmPG_0"), gender("GJtRd8oSJ_l_0")));
        parquet(spark, root, "priors", PriorsDataset.SCHEMA, List.of(
                PriorsDataset.prior("neutral", 2, new double[] {0.5, 0.5}, 2, featureId, 1, "none")));
        parquet(spark, root, "prior_convergence", PriorsDataset.CONVERGENCE, List.of(
                PriorsDataset.convergence("neutral", 4, 2, 0.5, 2)));
        parquet(spark, root, "rejects/stage=ingest-audio", OLD_REJECTS, List.of(
                reject("GuL8Opk-hjn_12300", "missing_file"), reject("xD3EoA1zCC__500", "internal_error")));
        parquet(spark, root, "rejects/stage=ingest-faces", OLD_REJECTS, List.of(reject("P2GuaEsSuFf_0", "no_face")));
        parquet(spark, root, "reports/table4", new StructType().add("metric", DataTypes.StringType)
                .add("value", DataTypes.DoubleType), List.of(RowFactory.create("l1", 0.5)));
    }

    /**
     * A folder of the layout before Delta, as s2f wrote it then: Parquet part files, and each tensor column as
     * little-endian float32 bytes (FloatTensorCodec), not yet an array.
     */
    private static void parquet(SparkSession spark, Path root, String name, StructType schema, List<Row> rows) {
        StructField[] fields = schema.fields();
        StructType legacy = new StructType(java.util.Arrays.stream(fields).map(f -> f.dataType() instanceof ArrayType
                ? new StructField(f.name(), DataTypes.BinaryType, f.nullable(), org.apache.spark.sql.types.Metadata.empty())
                : f).toArray(StructField[]::new));
        List<Row> old = rows.stream().map(r -> {
            Object[] v = new Object[r.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = fields[i].dataType() instanceof ArrayType ? FloatTensorCodec.encode(floats(r.get(i))) : r.get(i);
            }
            return RowFactory.create(v);
        }).toList();
        spark.createDataFrame(old, legacy).coalesce(1).write().parquet(root.resolve(name).toString());
    }

    private static float[] floats(Object value) {
        if (value instanceof float[] f) {
            return f;
        }
        List<?> list = value instanceof List<?> l ? l
                : scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<?>) value);
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).floatValue();
        }
        return out;
    }

    private static Row gender(String clipId) {
        return GenderDataset.toRow(clipId, clipId.substring(0, 11), "train", 0.8, "model-1");
    }

    private static Row reject(String key, String reason) {
        return RowFactory.create(key, key.substring(0, 11), 3L, reason, "a sentence about " + key, "a,csv,line",
                "20261201-120000-abcdef");
    }
}
