package org.speech2face.jobs.train;

import org.speech2face.jobs.StageRefusal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.S2fConfig;
import org.speech2face.config.TrainingSettings;
import org.speech2face.contracts.DataLayout;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkJob;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.faceapi.fetch.ModelFetchException;
import org.speech2face.faceapi.fetch.ModelFetcher;
import org.speech2face.faceapi.fetch.ModelsDirectory;
import org.speech2face.faceapi.nets.FaceDescriptorNet;
import org.speech2face.jobs.models.ConfiguredFeatures;
import org.speech2face.jobs.models.VggFaceSource;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.report.RunReportWriter;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.io.CheckpointException;
import org.speech2face.model.io.Checkpoints;
import org.speech2face.model.io.VggFaceWeights;

/**
 * What train-decoder and train-encoder share: read the examples, find where to start (resume by default), train the
 * missing epochs with {@link DistributedTrainer}, and report each epoch's loss terms, throughput and the examples each
 * executor fitted. Subclasses say what is trained and on which examples.
 */
abstract class TrainingJob implements SparkJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);

    /** What both training stages count, beside how their examples were chosen ({@link #exampleCounters}). */
    public enum Counts implements Counter {
        TRAIN_EXAMPLES, VAL_EXAMPLES,
        /** Epochs of the newest checkpoint when this run started. */
        EPOCHS_DONE_BEFORE,
        /** Epochs this run trained. */
        EPOCHS_TRAINED,
        /** Epochs of the newest checkpoint when this run ended (a dry run: when it started). */
        EPOCHS_DONE,
        /** Epochs whose examples fitted on the executors did not add up to the epoch's examples; 0 when all did. */
        EPOCHS_WITH_EXAMPLES_UNACCOUNTED
    }

    /** The counters that explain how this stage's examples were chosen from its input datasets. */
    protected abstract List<Counter> exampleCounters();

    /** What a subclass prepares: the target, its examples, and figures and notes for the report. */
    record Prepared(TrainingTarget target, ExampleSet examples, Map<String, Object> figures, List<String> notes) {
    }

    /** Builds the target and reads its examples; throws when an input (or an earlier model) is missing. */
    protected abstract Prepared prepare(JobContext ctx, ModelProfile profile) throws IOException;

    /** Models and files, not tables: no writer lease. */
    @Override
    public boolean writesTables() {
        return false;
    }

    @Override
    public RunReport run(JobContext ctx) throws Exception {
        S2fConfig cfg = ctx.config();
        TrainingSettings s = cfg.training();
        ModelProfile profile = ModelProfile.parse(cfg.profile().name());
        List<Counter> declared = new ArrayList<>(exampleCounters());
        declared.addAll(List.of(Counts.values()));
        RunReport report = new RunReport(name(), ctx.runId(), declared).dryRun(ctx.dryRun()).config(cfg.rendered());
        ctx.spark().sparkContext().setJobGroup(name(), name() + ": " + summary(), false);
        ctx.spark().sparkContext().setJobDescription(name() + ": read the examples");
        Prepared p;
        try {
            p = prepare(ctx, profile);
        } catch (IllegalStateException | IllegalArgumentException | CheckpointException e) {
            if (!ctx.dryRun()) {
                throw e;
            }
            return report.note("A real run would stop here: " + e.getMessage()).finish();
        }
        TrainingTarget target = p.target();
        Path dir = target.checkpointDir(ctx.layout());
        report.output(dir.toString()).headline("variant", target.metadataVariant());
        p.figures().forEach(report::figure);
        p.notes().forEach(report::note);
        ExampleSet examples = p.examples().limit(ctx.limit());
        examples.counts().forEach(report::count);

        if (ctx.dryRun()) {
            long train = examples.train().count();
            long val = examples.val().count();
            int done = new Checkpoints(dir.toString(), ctx.hadoopConf()).latest().orElse(0);
            report.count(Counts.TRAIN_EXAMPLES, train).count(Counts.VAL_EXAMPLES, val).count(Counts.EPOCHS_DONE, done)
                    .note("Dry run: would train epochs " + (done + 1) + " to " + s.epochs() + " on " + train
                            + " examples (if the newest checkpoint loads); nothing was trained or written.");
            return report.finish();
        }

        CheckpointResume.Start start = CheckpointResume.start(target, ctx.layout(), ctx.hadoopConf(), cfg.overwrite());
        start.notes().forEach(report::note);
        report.figure("started_from", start.from()).count(Counts.EPOCHS_DONE_BEFORE, start.epochsDone());
        if (start.epochsDone() >= s.epochs()) {
            report.count(Counts.EPOCHS_DONE, start.epochsDone()).note("All " + s.epochs() + " epochs are trained already (" + start.from()
                    + "); raise training.epochs to train more, or set overwrite=true to start again.");
            return finish(ctx, report, dir);
        }
        DistributedTrainer.Data data = examples.materialise(TrainingMasters.storageLevel(s));
        try (LostExecutors lost = LostExecutors.watch(ctx.spark().sparkContext())) {
            report.count(Counts.TRAIN_EXAMPLES, data.trainCount()).count(Counts.VAL_EXAMPLES, data.valCount());
            if (data.trainCount() == 0) {
                throw new StageRefusal("There is no training example for " + target.metadataVariant()
                        + " under " + cfg.dataRoot() + " (counts: " + examples.counts() + "); check the earlier stages' "
                        + "reports.");
            }
            List<DistributedTrainer.Epoch> epochs;
            try {
                epochs = new DistributedTrainer(ctx, name(), target).train(start, data);
            } catch (Exception e) { // Spark's own SparkException is checked but undeclared
                Optional<String> why = lost.stopped(name(), new Checkpoints(dir.toString(), ctx.hadoopConf()).latest(),
                        dir.toString());
                throw why.isPresent() ? new IllegalStateException(why.get(), e) : e;
            }
            describe(report, target, epochs, data.trainCount(),
                    TrainingMasters.workers(s, org.apache.spark.api.java.JavaSparkContext.fromSparkContext(ctx.spark().sparkContext())));
            lost.notes(name()).forEach(report::note);
        } finally {
            data.train().unpersist();
            data.val().unpersist();
        }
        return finish(ctx, report, dir);
    }

    /** The run's epochs as report tables, headlines and notes. */
    private static void describe(RunReport report, TrainingTarget target, List<DistributedTrainer.Epoch> epochs,
                                 long trainCount, int workers) {
        List<String> header = new ArrayList<>(List.of("epoch", "learning rate"));
        List<String> terms = new ArrayList<>(epochs.get(0).lossTerms().keySet());
        header.addAll(terms);
        header.addAll(List.of("examples", "samples/s", "fit s", "epoch s"));
        List<List<Object>> rows = new ArrayList<>();
        List<List<Object>> executors = new ArrayList<>();
        List<Map<String, Object>> perExecutor = new ArrayList<>();
        long mismatched = 0;
        for (DistributedTrainer.Epoch e : epochs) {
            List<Object> row = new ArrayList<>(List.of(e.epoch(), String.format(Locale.ROOT, "%.3g", e.learningRate())));
            terms.forEach(t -> row.add(round(e.lossTerms().getOrDefault(t, Double.NaN))));
            row.addAll(List.of(e.examples(), round(e.examples() / e.fitSeconds()), round(e.fitSeconds()),
                    round(e.seconds())));
            rows.add(row);
            Map<String, Object> byExecutor = new LinkedHashMap<>();
            e.byExecutor().forEach((executor, t) -> {
                executors.add(List.of(e.epoch(), executor, t.examples(), t.minibatches(), round(t.meanLoss()),
                        round(t.stepSeconds())));
                byExecutor.put(executor, t.examples());
            });
            perExecutor.add(Map.of("epoch", e.epoch(), "examples", byExecutor));
            mismatched += e.examples() == trainCount ? 0 : 1;
        }
        DistributedTrainer.Epoch last = epochs.get(epochs.size() - 1);
        double samples = epochs.stream().mapToLong(DistributedTrainer.Epoch::examples).sum();
        double fit = epochs.stream().mapToDouble(DistributedTrainer.Epoch::fitSeconds).sum();
        report.count(Counts.EPOCHS_TRAINED, epochs.size()).count(Counts.EPOCHS_DONE, last.epoch())
                .count(Counts.EPOCHS_WITH_EXAMPLES_UNACCOUNTED, mismatched)
                .headline("loss", round(last.lossTerms().getOrDefault("total", Double.NaN)))
                .headline("samples_per_second", round(samples / fit))
                .figure("workers", workers)
                .figure("examples_per_executor", perExecutor)
                .table("Loss terms after each epoch (train split, inference mode; " + DistributedTrainer.MINIBATCH_TOTAL
                        + " = mean minibatch loss the workers saw while fitting; " + DistributedTrainer.VAL
                        + "* = validation split)", header, rows)
                .table("Examples fitted per executor (DL4J worker minibatches, counted by a training hook; step s = seconds "
                        + "in training steps, the rest of fit s is what the averaging rounds cost)",
                        List.of("epoch", "executor", "examples", "minibatches", "mean minibatch loss", "step s"), executors)
                .note("Parameter averaging (DL4J ParameterAveragingTrainingMaster, updater state averaged too; only "
                        + "trainable parameters travel each round) over " + workers + " workers; every epoch deals each of its " + trainCount + " examples to exactly one "
                        + "worker once.");
        if (mismatched > 0) {
            report.note(mismatched + " epoch(s) fitted a different number of examples than the epoch has; a task "
                    + "was recomputed (see the executor table).");
        }
        LOG.info("{}: trained epochs {} to {}; loss {}", target.metadataVariant(), epochs.get(0).epoch(), last.epoch(),
                last.lossTerms().get("total"));
    }

    private static RunReport finish(JobContext ctx, RunReport report, Path dir) throws IOException {
        report.finish();
        RunReportWriter.write(report, new Path(dir, DataLayout.RUN_REPORTS), ctx.hadoopConf());
        return report;
    }

    /**
     * The configured feature network, loaded on the driver, and the id face_features/ rows carry for it: VGGFace's
     * graph (whose fc7 is Ff and fc8 VFc3), or dlib's descriptor (from models.dir, checked against its pinned sums),
     * each only when {@code load} asks for it.
     *
     * @param graph      VGGFace, or null for dlib
     * @param descriptor dlib's descriptor, or null for VGGFace or when not loaded
     * @param dim        the width of Ff
     */
    record Vgg(FeatureNetwork network, ComputationGraph graph, FaceDescriptorNet descriptor, String featureId,
               boolean random, int dim) {
    }

    static Vgg vggFace(JobContext ctx, ModelProfile profile, boolean loadDescriptor) {
        if (ctx.config().features().network() == FeatureNetwork.DLIB_RESNET128) {
            ConfiguredFeatures f = ConfiguredFeatures.of(ctx.config(), ctx.hadoopConf());
            FaceDescriptorNet descriptor = null;
            if (loadDescriptor) {
                try {
                    java.nio.file.Path dir = ModelsDirectory.fromConfig(ctx.config().modelsDir());
                    ModelFetcher.faceApi(System.getenv()).require(dir);
                    descriptor = FaceDescriptorNet.load(dir);
                } catch (ModelFetchException e) {
                    throw new IllegalArgumentException("The dlib feature network (features.network = dlib-resnet128) "
                            + "needs face-api's pretrained descriptor: " + e.getMessage(), e);
                } catch (IOException e) {
                    throw new IllegalArgumentException("Could not read dlib's descriptor weights from models.dir: "
                            + e.getMessage(), e);
                }
            }
            return new Vgg(f.network(), null, descriptor, f.featureId(), false, f.dim());
        }
        String weights = ctx.config().features().vggfaceWeights();
        Configuration conf = ctx.hadoopConf();
        try {
            VggFaceWeights.Loaded l = VggFaceWeights.load(weights, profile, conf);
            VggFaceSource source = new VggFaceSource(weights, profile, l.id(), new HadoopConf(conf));
            return new Vgg(FeatureNetwork.VGGFACE, l.graph(), null, source.featureId(), source.isRandom(),
                    profile.featureDim());
        } catch (IOException e) {
            throw new IllegalArgumentException("Could not read the VGGFace weights " + weights + " (vggface.weights): "
                    + e.getMessage(), e);
        }
    }

    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10000.0) / 10000.0 : v;
    }
}
