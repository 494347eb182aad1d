package org.speech2face.jobs.export;

import org.speech2face.jobs.StageRefusal;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.FloatTensorCodec;
import org.speech2face.data.NpyFormat;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.io.DeltaTables;
import org.speech2face.jobs.io.SourceDataset;
import org.speech2face.jobs.SparkJob;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.report.RunReportWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * {@code export}: the first clips (by clip_id) of faces/ and spectrograms/ as files a notebook opens with the
 * Python that Debian ships, which has no Parquet reader: each face crop as its PNG, each spectrogram as a NumPy
 * {@code .npy} of {@code [frames][bins][2]}, and {@code samples.csv} indexing them with the clip's split and
 * predicted gender. {@code --limit N} exports N clips (default {@value #DEFAULT_CLIPS}). Each run replaces the
 * previous export: the files are written under staging and moved into place at the end, so a run that fails while
 * reading or writing leaves the previous export as it was.
 */
public final class ExportJob implements SparkJob {
    /** What export counts. */
    public enum Counts implements Counter {
        CLIPS, FACES_WRITTEN, SPECTROGRAMS_WRITTEN, WITH_GENDER
    }

    private static final Logger LOG = LoggerFactory.getLogger(ExportJob.class);
    public static final int DEFAULT_CLIPS = 16;
    public static final String FACES = "faces";
    public static final String SPECTROGRAMS = "spectrograms";
    public static final String INDEX = "samples.csv";
    static final String HEADER = "clip_id,youtube_id,split,face_png,spectrogram_npy,frames,bins,p_male,predicted_gender";

    /** Models and files, not tables: no writer lease. */
    @Override
    public boolean writesTables() {
        return false;
    }

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "first N clips' face crops (PNG) and spectrograms (.npy) with a CSV index, for notebooks -> exports/";
    }

    @Override
    public RunReport run(JobContext ctx) throws Exception {
        DataLayout layout = ctx.layout();
        Path target = layout.dataset(DataLayout.EXPORTS);
        RunReport report = new RunReport(name(), ctx.runId(), List.of(Counts.values())).dryRun(ctx.dryRun()).output(target.toString())
                .config(ctx.config().rendered());
        ctx.spark().sparkContext().setJobGroup(name(), name() + ": " + summary(), false);
        Optional<Dataset<Row>> faces = optional(ctx, DataLayout.FACES, FacesDataset.SCHEMA);
        Optional<Dataset<Row>> specs = optional(ctx, DataLayout.SPECTROGRAMS, SpectrogramsDataset.SCHEMA);
        Optional<Dataset<Row>> gender = optional(ctx, DataLayout.GENDER, GenderDataset.SCHEMA);
        if (faces.isEmpty() && specs.isEmpty() && ctx.dryRun()) { // e.g. pipeline --dry-run on a new data root
            return report.count(Counts.CLIPS, 0).note("Dry run: there is neither a faces/ nor a spectrograms/ "
                    + "dataset yet, so a real run would export what ingest-faces and ingest-audio write first.")
                    .finish();
        }
        if (faces.isEmpty() && specs.isEmpty()) {
            throw new StageRefusal("There is neither a faces/ nor a spectrograms/ dataset under "
                    + ctx.config().dataRoot() + "; run ingest-faces or ingest-audio first.");
        }
        long requested = ctx.limit().orElse(DEFAULT_CLIPS);
        List<Dataset<Row>> keyed = new ArrayList<>();
        faces.ifPresent(d -> keyed.add(d.select("clip_id", "youtube_id", "split")));
        specs.ifPresent(d -> keyed.add(d.select("clip_id", "youtube_id", "split")));
        Dataset<Row> keys = keyed.get(0);
        for (int i = 1; i < keyed.size(); i++) {
            keys = keys.union(keyed.get(i));
        }
        List<Row> chosen = keys.dropDuplicates("clip_id").orderBy("clip_id")
                .limit((int) Math.min(requested, Integer.MAX_VALUE)).collectAsList();
        report.count(Counts.CLIPS, chosen.size()).figure("requested", requested);
        if (ctx.dryRun()) {
            return report.note("Dry run: nothing was written.").finish();
        }

        List<String> ids = chosen.stream().map(r -> r.getString(0)).toList();
        FileSystem fs = ctx.fs(layout.rootPath());
        Path stagingRoot = layout.stagingRoot(name());
        fs.delete(stagingRoot, true); // an abandoned earlier export: nothing of it is visible, nothing to keep
        Path staging = layout.staging(name(), ctx.runId());
        Map<String, String> facePng = new HashMap<>();
        Map<String, int[]> specShape = new HashMap<>();
        ctx.spark().sparkContext().setJobDescription(name() + ": write " + ids.size() + " clips' files");
        if (faces.isPresent()) {
            Iterator<Row> it = faces.get().filter(col("clip_id").isin(ids.toArray())).select("clip_id", "image")
                    .toLocalIterator();
            while (it.hasNext()) {
                Row r = it.next();
                String file = FACES + "/" + r.getString(0) + ".png";
                write(fs, new Path(staging, file), r.getAs(1));
                facePng.put(r.getString(0), file);
            }
        }
        if (specs.isPresent()) {
            Iterator<Row> it = specs.get().filter(col("clip_id").isin(ids.toArray()))
                    .select("clip_id", "frames", "bins", "spec").toLocalIterator();
            while (it.hasNext()) {
                Row r = it.next();
                int[] shape = {r.getInt(1), r.getInt(2), 2};
                String file = SPECTROGRAMS + "/" + r.getString(0) + ".npy";
                write(fs, new Path(staging, file), NpyFormat.float32(FloatTensorCodec.encode(SpectrogramsDataset.spec(r)),
                        shape));
                specShape.put(r.getString(0), shape);
            }
        }
        Map<String, Row> genders = new HashMap<>();
        gender.ifPresent(g -> g.filter(col("clip_id").isin(ids.toArray())).select("clip_id", "p_male", "predicted")
                .collectAsList().forEach(r -> genders.put(r.getString(0), r)));
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Row k : chosen) {
            String id = k.getString(0);
            int[] shape = specShape.get(id);
            Row g = genders.get(id);
            csv.append(String.join(",", id, k.getString(1), k.getString(2), facePng.getOrDefault(id, ""),
                    shape == null ? "" : SPECTROGRAMS + "/" + id + ".npy", shape == null ? "" : "" + shape[0],
                    shape == null ? "" : "" + shape[1], g == null ? "" : "" + g.getDouble(1),
                    g == null ? "" : g.getString(2))).append('\n');
        }
        write(fs, new Path(staging, INDEX), csv.toString().getBytes(StandardCharsets.UTF_8));

        // Replace the previous export's files; its run reports stay beside them.
        for (String part : List.of(FACES, SPECTROGRAMS, INDEX)) {
            Path from = new Path(staging, part);
            Path to = new Path(target, part);
            fs.delete(to, true);
            if (fs.exists(from)) {
                fs.mkdirs(target);
                if (!fs.rename(from, to)) {
                    throw new IOException("Could not move " + from + " to " + to + ".");
                }
            }
        }
        fs.delete(stagingRoot, true);
        report.count(Counts.FACES_WRITTEN, facePng.size()).count(Counts.SPECTROGRAMS_WRITTEN, specShape.size())
                .count(Counts.WITH_GENDER, genders.size());
        if (gender.isEmpty()) {
            report.note("There is no gender/ dataset yet, so samples.csv has no predicted gender.");
        }
        report.finish();
        Path md = RunReportWriter.write(report, layout.runReports(DataLayout.EXPORTS), ctx.hadoopConf());
        LOG.info("export: {} clips ({} faces, {} spectrograms) in {}; report {}", chosen.size(), facePng.size(),
                specShape.size(), target, md);
        return report;
    }

    /** The dataset read with its contract's schema, or empty when the stage that makes it has not run. */
    private static Optional<Dataset<Row>> optional(JobContext ctx, String name, StructType schema) throws IOException {
        Path dir = ctx.layout().dataset(name);
        return DeltaTables.exists(ctx.spark(), dir) ? Optional.of(SourceDataset.read(ctx, name, schema, name))
                : Optional.empty();
    }

    private static void write(FileSystem fs, Path path, byte[] bytes) throws IOException {
        try (FSDataOutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
    }
}
