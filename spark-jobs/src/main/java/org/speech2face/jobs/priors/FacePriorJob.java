package org.speech2face.jobs.priors;

import org.speech2face.contracts.Stage;
import org.speech2face.contracts.VoiceGender;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.data.Split;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.models.ConfiguredFeatures;
import org.speech2face.jobs.io.GenderLabels;
import org.speech2face.model.io.GenderModelStore;
import org.speech2face.jobs.io.DeltaTables;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.report.RunReportWriter;
import org.speech2face.jobs.io.GenderPredictions;
import org.speech2face.jobs.io.SourceDataset;
import org.speech2face.model.priors.FacePriors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * {@code face-prior}: AR-SPM's face priors (section 3.1, Table 1) from the cached fc7 of the train split: the
 * neutral prior over all faces and the male and female priors over faces by their voice's gender, each the mean
 * of n faces drawn in a seeded order, for every configured n; and the L1 between consecutive n. A prior depends on
 * every face, so each run recomputes all of them and replaces the previous ones in one commit.
 */
public final class FacePriorJob implements SparkJob {
    /** What face-prior counts: the faces it could draw from, and what it wrote. */
    public enum Counts implements Counter {
        FACES_IN,
        /** Train-split faces of the configured weights: the neutral prior's pool. */
        TRAIN_FACES, TRAIN_MALE, TRAIN_FEMALE, FEATURES_OF_OTHER_WEIGHTS,
        /** Prior rows written (one per name and n). */
        WRITTEN, CONVERGENCE_ROWS
    }

    private static final Logger LOG = LoggerFactory.getLogger(FacePriorJob.class);

    @Override
    public String name() {
        return "face-prior";
    }

    @Override
    public String summary() {
        return "mean fc7 of n seeded train faces: neutral, male, female; Table 1 convergence -> priors/";
    }

    @Override
    public RunReport run(JobContext ctx) throws Exception {
        S2fConfig cfg = ctx.config();
        S2fConfig.Priors pc = cfg.priors();
        DataLayout layout = ctx.layout();
        Path target = layout.dataset(DataLayout.PRIORS);
        Path convergenceTarget = layout.dataset(DataLayout.PRIOR_CONVERGENCE);
        RunReport report = new RunReport(name(), ctx.runId(), List.of(Counts.values())).dryRun(ctx.dryRun()).output(target.toString())
                .config(cfg.rendered());
        ctx.spark().sparkContext().setJobGroup(name(), name() + ": " + summary(), false);
        DeltaTables.signCommits(ctx.spark(), name(), ctx.runId());

        ConfiguredFeatures vgg;
        try {
            vgg = ConfiguredFeatures.of(cfg, ctx.hadoopConf());
        } catch (IllegalArgumentException e) {
            if (!ctx.dryRun()) {
                throw e;
            }
            return report.note("A real run would stop here: " + e.getMessage()).finish();
        }
        Dataset<Row> all = SourceDataset.read(ctx, DataLayout.FACE_FEATURES, FaceFeaturesDataset.SCHEMA,
                "face-features");
        Dataset<Row> features = all.filter(col("split").equalTo(Split.TRAIN.code())
                        .and(col("vggface_id").equalTo(vgg.featureId())))
                .select("clip_id", "youtube_id", "fc7").persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> members = features.select(lit(VoiceGender.NEUTRAL).as("name"), col("clip_id"))
                .union(gendered(ctx, features)).persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Long> sizes0 = PriorDraws.groupSizes(members);
        Map<String, Long> available = new LinkedHashMap<>();
        for (String group : List.of(VoiceGender.NEUTRAL, VoiceGender.MALE, VoiceGender.FEMALE)) {
            available.put(group, sizes0.getOrDefault(group, 0L));
        }
        long otherWeights = all.filter(col("vggface_id").notEqual(vgg.featureId())).count();
        report.count(Counts.FACES_IN, all.count()).count(Counts.TRAIN_FACES, available.get(VoiceGender.NEUTRAL))
                .count(Counts.TRAIN_MALE, available.get(VoiceGender.MALE))
                .count(Counts.TRAIN_FEMALE, available.get(VoiceGender.FEMALE))
                .count(Counts.FEATURES_OF_OTHER_WEIGHTS, otherWeights)
                .headline("vggface_id", vgg.featureId()).figure("seed", pc.seed())
                .figure("gender_from", pc.genderFrom().name().toLowerCase(Locale.ROOT));
        if (vgg.isRandom()) {
            report.note("The priors are means of features from " + vgg.featureId() + ", a randomly initialised VGGFace.");
        }
        Map<String, int[]> counts = new LinkedHashMap<>();
        available.forEach((group, n) -> counts.put(group, FacePriors.effectiveCounts(pc.n(), n)));
        counts.forEach((group, ns) -> report.figure("n_" + group, Arrays.toString(ns)));
        if (ctx.dryRun()) {
            members.unpersist();
            features.unpersist();
            return report.note("Dry run: nothing was computed or written.").finish();
        }

        ctx.spark().sparkContext().setJobDescription(name() + ": draw faces and sum fc7 per (prior, n)");
        long t0 = System.nanoTime();
        Map<String, long[]> sizes = new LinkedHashMap<>();
        Map<String, int[]> nonEmpty = new LinkedHashMap<>(counts);
        nonEmpty.values().removeIf(ns -> ns.length == 0);
        Map<String, double[][]> sums = PriorDraws.bucketSums(members, features, pc.seed(), nonEmpty, sizes);
        members.unpersist();
        features.unpersist();

        List<Row> priors = new ArrayList<>();
        List<Row> convergence = new ArrayList<>();
        List<List<Object>> table = new ArrayList<>();
        int dimension = 0;
        for (Map.Entry<String, int[]> e : nonEmpty.entrySet()) {
            String group = e.getKey();
            int[] ns = e.getValue();
            double[][] means = FacePriors.means(ns, sums.get(group), sizes.get(group));
            dimension = means[0].length;
            for (int k = 0; k < ns.length; k++) {
                priors.add(PriorsDataset.prior(group, ns[k], means[k], available.get(group), vgg.featureId(), pc.seed(),
                        pc.genderFrom().name().toLowerCase(Locale.ROOT)));
                if (k > 0) {
                    double l1 = FacePriors.l1(means[k], means[k - 1]);
                    int dim = means[k].length;
                    convergence.add(PriorsDataset.convergence(group, ns[k], ns[k - 1], l1, dim));
                    table.add(List.of(group, ns[k], ns[k - 1], String.format(Locale.ROOT, "%.3f", l1),
                            String.format(Locale.ROOT, "%.5f", l1 / dim)));
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            if (e.getValue().length < 2) {
                report.note("The " + e.getKey() + " prior has " + e.getValue().length + " face count(s) "
                        + Arrays.toString(e.getValue()) + " from " + available.get(e.getKey())
                        + " train faces, so no convergence row.");
            }
        }

        // Two tables, each replaced in one commit: the priors last, so a run that dies between the two leaves the
        // previous priors beside new convergence rows (diagnostics only), and the next run replaces both.
        DeltaTables.replace(ctx.spark(), ctx.spark().createDataFrame(convergence, PriorsDataset.CONVERGENCE)
                .coalesce(1), convergenceTarget);
        DeltaTables.replace(ctx.spark(), ctx.spark().createDataFrame(priors, PriorsDataset.SCHEMA).coalesce(1), target);

        report.count(Counts.WRITTEN, priors.size()).count(Counts.CONVERGENCE_ROWS, convergence.size())
                .figure("aggregate_seconds", Math.round(seconds * 1000) / 1000.0)
                .table("Table 1: L1(n1, n2) = sum over the " + (dimension == 0 ? "" : dimension + " ")
                                + "fc7 dimensions of |prior(n1) - prior(n2)|, not normalised (L1/dim beside it)",
                        List.of("prior", "n1", "n2", "L1", "L1/dim"), table)
                .note("Paper, Table 1 (VGGFace fc7, 4096-d, n1/n2 = 50/10 ... 10000/5000), neutral: 27.861, 12.155, "
                        + "10.179, 3.815, 3.176, 1.179. They fall as sqrt(1/n2 - 1/n1), as nested draws do.")
                .note("Priors are computed in double precision and stored as float32; each draw of n contains the "
                        + "smaller draws (faces ordered by SHA-256 of seed:clip_id).");
        report.finish();
        Path md = RunReportWriter.write(report, layout.runReports(DataLayout.PRIORS), ctx.hadoopConf());
        LOG.info("face-prior: {} priors, {} convergence rows; report {}", priors.size(), convergence.size(), md);
        return report;
    }

    /** (name, clip_id) of the train faces with a gender, from the predictions or the labels. */
    private static Dataset<Row> gendered(JobContext ctx, Dataset<Row> features) throws java.io.IOException {
        S2fConfig cfg = ctx.config();
        if (cfg.priors().genderFrom() == S2fConfig.GenderSource.LABELS) {
            Dataset<Row> labels;
            try {
                labels = GenderLabels.read(ctx, cfg.gender().labels()).labels();
            } catch (IllegalArgumentException e) {
                if (!ctx.dryRun()) {
                    throw e;
                }
                return features.limit(0).select(lit(VoiceGender.NEUTRAL).as("name"), col("clip_id"));
            }
            return features.join(labels, "youtube_id").select(
                    when(col("male"), lit(VoiceGender.MALE)).otherwise(lit(VoiceGender.FEMALE)).as("name"),
                    col("clip_id"));
        }
        Dataset<Row> predicted = GenderPredictions.current(ctx,
                Stage.PREDICT_GENDER.id() + " (or set priors.gender-from = labels)").rows();
        return features.join(predicted, "clip_id")
                .select(col("predicted").as("name"), col("clip_id"));
    }
}
