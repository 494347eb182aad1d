package org.speech2face.jobs.maintenance;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.testing.SharedSpark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.speech2face.jobs.JobTestSupport.config;

/**
 * optimize on Delta tables made of many small appends under a test data root: a plain dataset, a partitioned
 * rejects/ table and one with deletion vectors, beside a table under _staging/ that upkeep must not touch. Each
 * table ends with fewer files and the same rows, and the files compaction replaced are gone from disk.
 */
@ExtendWith(SharedSpark.class)
class OptimizeJobTest {
    private static final int APPENDS = 4;
    /** Delta rebuilds a table's state in 50 partitions by default: 50 tasks per snapshot on a test's few rows. */
    private static final String SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";

    @TempDir
    Path root;

    @BeforeAll
    static void fewSnapshotPartitions() {
        SharedSpark.session().conf().set(SNAPSHOT_PARTITIONS, "2");
    }

    @AfterAll
    static void defaultSnapshotPartitions() {
        SharedSpark.session().conf().unset(SNAPSHOT_PARTITIONS);
    }

    /** {@code APPENDS} appends of two small files each, {@code perAppend} rows per append. */
    private static void smallAppends(SparkSession spark, Path table, int perAppend, String... partitionBy) {
        for (int i = 0; i < APPENDS; i++) {
            spark.range(i * perAppend, (i + 1) * perAppend).repartition(2)
                    .withColumn("clip_id", concat(lit("clip_"), col("id").cast("string")))
                    .withColumn("stage", lit(i % 2 == 0 ? "ingest-faces" : "ingest-audio"))
                    .write().format("delta").mode("append").partitionBy(partitionBy).save(table.toString());
        }
    }

    /** The data and deletion-vector files on disk under a table: its log and checksum files excluded. */
    private static Set<Path> dataFiles(Path table) throws IOException {
        try (Stream<Path> s = Files.walk(table)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/_delta_log/"))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static S2fConfig shortRetention(Path root) throws IOException {
        return config(root, "", "datasets.vacuum-retention-hours=0", "datasets.vacuum-allow-short-retention=true");
    }

    @Test
    void compactsEveryTableKeepsItsRowsAndVacuumsTheReplacedFiles(SparkSession spark) throws Exception {
        Path faces = root.resolve("faces");
        Path rejects = root.resolve("rejects");
        Path gender = root.resolve("gender");
        Path staging = root.resolve("_staging/ingest-faces/run-1");
        smallAppends(spark, faces, 20);
        smallAppends(spark, rejects, 10, "stage");
        smallAppends(spark, gender, 10);
        spark.range(3).write().format("delta").save(staging.toString());
        spark.sql("ALTER TABLE delta.`" + gender + "` SET TBLPROPERTIES ('delta.enableDeletionVectors' = true)");
        DeltaTable.forPath(spark, gender.toString()).delete("id % 3 = 0");
        Files.createDirectories(root.resolve("models/gender"));
        Map<Path, Set<Path>> filesBefore = Stream.of(faces, rejects, gender, staging)
                .collect(Collectors.toMap(Function.identity(), p -> {
                    try {
                        return dataFiles(p);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
        long genderRows = spark.read().format("delta").load(gender.toString()).count();
        assertThat(genderRows).as("40 ids less the 14 multiples of 3 below 40").isEqualTo(26);

        S2fConfig cfg = shortRetention(root);
        JobContext ctx = new JobContext(spark, cfg, JobContext.newRunId(), false, OptionalLong.empty());
        List<UpkeepResult> results = new OptimizeJob().upkeep(ctx);

        assertThat(results).extracting(UpkeepResult::table)
                .containsExactly("file:" + faces, "file:" + gender, "file:" + rejects);
        for (UpkeepResult r : results) {
            Path table = Path.of(r.table().substring("file:".length()));
            assertThat(r.filesAfter()).as(r.table()).isLessThan(r.filesBefore());
            assertThat(r.rowsAfter()).as(r.table()).isEqualTo(r.rowsBefore())
                    .isEqualTo(spark.read().format("delta").load(table.toString()).count());
            Set<Path> onDisk = dataFiles(table);
            Set<Path> gone = new TreeSet<>(filesBefore.get(table));
            gone.removeAll(onDisk);
            assertThat(r.filesVacuumed()).as(r.table()).isPositive().isEqualTo(gone.size());
            assertThat(onDisk).as(r.table()).hasSize((int) r.filesAfter())
                    .doesNotContainAnyElementsOf(filesBefore.get(table));
            assertThat(r.otherCommits()).isZero();
        }
        UpkeepResult facesResult = results.get(0);
        assertThat(facesResult.filesBefore()).isEqualTo(2 * APPENDS);
        assertThat(facesResult.filesAfter()).isEqualTo(1);
        assertThat(facesResult.rowsAfter()).isEqualTo(20 * APPENDS);
        assertThat(facesResult.dvFilesPurged()).isEqualTo(-1);
        assertThat(results.get(1).rowsAfter()).isEqualTo(genderRows);
        assertThat(results.get(1).dvFilesPurged()).as("the purge ran").isNotNegative();
        // rejects/ is partitioned by stage: compaction works per partition
        assertThat(results.get(2).filesAfter()).isEqualTo(2);
        assertThat(dataFiles(staging)).as("_staging is not a dataset").isEqualTo(filesBefore.get(staging));
        for (String key : List.of(SessionSettings.MAX_FILE_SIZE, SessionSettings.RETENTION_CHECK,
                SessionSettings.LISTING_PARALLELISM)) {
            assertThat(spark.conf().contains(key)).as("%s is put back as it was: unset", key).isFalse();
        }
    }

    @Test
    void aDryRunMeasuresAndChangesNothing(SparkSession spark) throws Exception {
        Path faces = root.resolve("faces");
        smallAppends(spark, faces, 5);
        Set<Path> before = dataFiles(faces);
        long version = DeltaTable.forPath(spark, faces.toString()).history(1).first().getLong(0);
        JobContext ctx = new JobContext(spark, shortRetention(root), JobContext.newRunId(), true,
                OptionalLong.empty());
        RunReport report = new OptimizeJob().run(ctx);
        assertThat(report.count(OptimizeJob.Counts.TABLES)).isEqualTo(1);
        assertThat(report.count(OptimizeJob.Counts.FILES_BEFORE)).isEqualTo(2 * APPENDS)
                .isEqualTo(report.count(OptimizeJob.Counts.FILES_AFTER));
        assertThat(report.count(OptimizeJob.Counts.ROWS)).isEqualTo(5 * APPENDS);
        assertThat(report.notes()).anyMatch(n -> n.startsWith("Dry run: would compact"));
        assertThat(dataFiles(faces)).isEqualTo(before);
        assertThat(DeltaTable.forPath(spark, faces.toString()).history(1).first().getLong(0)).isEqualTo(version);
        assertThat(root.resolve("maintenance")).doesNotExist();
    }

    @Test
    void theReportListsEachTableAndIsWrittenUnderMaintenance(SparkSession spark) throws Exception {
        smallAppends(spark, root.resolve("spectrograms"), 5);
        RunReport report = new OptimizeJob().run(new JobContext(spark, shortRetention(root), JobContext.newRunId(),
                false, OptionalLong.empty()));
        assertThat(report.count(OptimizeJob.Counts.FILES_BEFORE)).isEqualTo(2 * APPENDS);
        assertThat(report.count(OptimizeJob.Counts.FILES_AFTER)).isEqualTo(1);
        assertThat(report.count(OptimizeJob.Counts.FILES_VACUUMED)).isEqualTo(2 * APPENDS);
        assertThat(report.tables()).singleElement().satisfies(t -> assertThat(t.get("rows")).asList()
                .singleElement().asList().startsWith("spectrograms", 2L * APPENDS, 1L));
        assertThat(root.resolve("maintenance/_reports/latest.md")).isRegularFile();
    }
}
