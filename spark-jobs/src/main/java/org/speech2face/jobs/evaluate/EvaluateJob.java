package org.speech2face.jobs.evaluate;

import org.speech2face.jobs.StageRefusal;
import org.speech2face.contracts.VoiceGender;
import org.speech2face.jobs.models.TrainedModels;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.EvaluateSettings;
import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.models.FaceApiUser;
import org.speech2face.contracts.DataLayout;
import org.speech2face.data.SeededSample;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.io.DeltaTables;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.jobs.io.TensorRow;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.report.RunReportWriter;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.contracts.VariantPriors;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * {@code evaluate}: the paper's section 4.3 on the test split, for the trained decoder and every trained speech
 * encoder variant: Table 4 (distances of Sf and of VGGFace(FD(Sf)) to Ff, with the Face-to-Face reference row, and
 * beside them the independent recogniser's cosine and Recall@1/5/10 by SF2F's protocol against chance), Tables 5 and
 * 6 (gender and age of the generated faces by a {@link FaceAttributeRecogniser}) and Figures 2, 5 and 6, all under
 * {@code reports/}. Every table has a prior-only row: each voice answered with the prior face of its predicted
 * gender, the score a model must beat to show it learned anything from the voice. Scoring runs on executors, one
 * model at a time, each loading its networks once; every run recomputes everything and replaces the previous report.
 */
public final class EvaluateJob implements SparkJob, FaceApiUser {
    /** What evaluate counts; the clips each model was scored on are in the report's figures ({@code clips_<model>}). */
    public enum Counts implements Counter {
        TEST_CLIPS
    }

    private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "Tables 4-6 and Figs. 2, 5, 6 on the test split for every trained SE variant -> reports/";
    }

    @Override
    public Optional<String> faceApiUse(S2fConfig config) {
        return Optional.of(EvaluationPlan.faceApiUse(config.evaluate()));
    }

    @Override
    public RunReport run(JobContext ctx) throws Exception {
        EvaluateSettings es = ctx.config().evaluate();
        DataLayout layout = ctx.layout();
        Path reports = layout.dataset(DataLayout.REPORTS);
        RunReport report = new RunReport(name(), ctx.runId(), List.of(Counts.values())).dryRun(ctx.dryRun()).output(reports.toString())
                .config(ctx.config().rendered());
        ctx.spark().sparkContext().setJobGroup(name(), name() + ": " + summary(), false);
        DeltaTables.signCommits(ctx.spark(), name(), ctx.runId());
        EvaluationPlan plan;
        try {
            plan = EvaluationPlan.make(ctx, report);
        } catch (IllegalStateException e) {
            if (!ctx.dryRun()) {
                throw e;
            }
            return report.note("A real run would stop here: " + e.getMessage()).finish();
        }
        Dataset<Row> clips = plan.testClips().persist(StorageLevel.MEMORY_AND_DISK());
        long testClips = clips.count();
        report.count(Counts.TEST_CLIPS, testClips);
        if (ctx.dryRun()) {
            clips.unpersist();
            return report.note("Dry run: nothing was scored or written.").finish();
        }
        if (testClips == 0) {
            throw new StageRefusal("The test split under " + ctx.config().dataRoot() + " has no clip with both a "
                    + "face feature of " + plan.vggfaceId() + " and a spectrogram, so there is nothing to evaluate; "
                    + "the test split gets 1 - split.train - split.val of the youtube_ids.");
        }
        List<String> figureClips = figureClips(clips, es);
        Path staging = layout.staging(name(), ctx.runId());
        Path scoresPath = new Path(staging, "scores");
        long t0 = System.nanoTime();
        for (String model : plan.models()) {
            score(ctx, plan, model, clips, testClips, figureClips, scoresPath, report);
        }
        report.figure("score_seconds", Math.round((System.nanoTime() - t0) / 1e6) / 1000.0);
        Dataset<Row> scores = ctx.spark().read().parquet(scoresPath.toString()).persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, byte[]> originals = new LinkedHashMap<>();
        for (Row r : clips.filter(col("clip_id").isin(figureClips.toArray())).select("clip_id", "image").collectAsList()) {
            originals.put(r.getString(0), r.getAs(1));
        }
        clips.unpersist();
        EvaluationOutputs.write(ctx, plan, scores, figureClips, originals, report);
        scores.unpersist();
        ctx.fs(staging).delete(staging, true);
        report.finish();
        Path md = RunReportWriter.write(report, layout.runReports(DataLayout.REPORTS), ctx.hadoopConf());
        LOG.info("evaluate: {} models on {} test clips; report {}", plan.models().size(), testClips, md);
        return report;
    }

    /** Scores one model (original, face-to-face or a variant) on the clips it covers, appending to {@code out}. */
    private static void score(JobContext ctx, EvaluationPlan plan, String model, Dataset<Row> clips, long testClips,
                              List<String> figureClips, Path out, RunReport report) {
        Dataset<Row> covered = clips;
        long n = testClips;
        TrainedModels.Ref encoder = null;
        boolean priorOnly = model.equals(ClipScores.PRIOR_ONLY);
        if (plan.encoders().containsKey(model) || priorOnly) {
            EncoderVariant v = priorOnly ? ClipScorer.BY_GENDER : EncoderVariant.parse(model);
            encoder = priorOnly ? null : plan.encoders().get(model);
            List<String> genders = new ArrayList<>();
            for (String g : List.of(VoiceGender.MALE, VoiceGender.FEMALE)) {
                if (VariantPriors.covers(v, g)) {
                    genders.add(g);
                }
            }
            if (!VariantPriors.covers(v, null)) {
                covered = clips.filter(col("predicted").isin(genders.toArray()));
                n = covered.count();
            }
            report.figure("clips_" + model, n);
            if (n == 0) {
                report.note((priorOnly ? "The prior-only row" : "Variant " + model) + " covers no test clip (it "
                        + "needs a voice predicted " + String.join(" or ", genders) + "); it has no row.");
                return;
            }
        }
        int batch = ctx.config().evaluate().batchSize();
        int partitions = (int) Math.max(1, Math.min(ctx.spark().sparkContext().defaultParallelism(),
                (n + batch - 1) / batch));
        ClipScorer scorer = new ClipScorer(model, plan.decoder(), encoder, plan.priors(), plan.recognisers(),
                plan.faceApi(), new HashSet<>(figureClips), batch, new HadoopConf(ctx.hadoopConf()));
        ctx.spark().sparkContext().setJobDescription("evaluate: score " + model + " on " + n + " test clips");
        TensorRow.mapPartitions(covered.repartition(partitions), scorer, ClipScores.SCHEMA)
                .write().mode(SaveMode.Append).parquet(out.toString());
    }

    /** Fig. 6's clips: the {@code figure-clips} test clips with the smallest SHA-256 of seed:clip_id. */
    static List<String> figureClips(Dataset<Row> clips, EvaluateSettings es) {
        List<String> ids = new ArrayList<>();
        clips.select("clip_id").collectAsList().forEach(r -> ids.add(r.getString(0)));
        ids.sort(Comparator.comparingLong((String id) -> SeededSample.key(es.figureSeed(), id))
                .thenComparing(Comparator.naturalOrder()));
        return List.copyOf(ids.subList(0, Math.min(es.figureClips(), ids.size())));
    }
}
