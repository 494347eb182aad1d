package org.speech2face.jobs.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.TrainingSettings;
import org.speech2face.jobs.JobContext;
import org.speech2face.contracts.CheckpointMetadata;
import org.speech2face.jobs.monitoring.TrainingMetrics;
import org.speech2face.model.io.Checkpoints;
import org.speech2face.model.layers.NativeHeap;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.io.EpochMetrics;

/**
 * The epoch loop of train-decoder and train-encoder. Each epoch: one {@code fitMultiDataSet} of DL4J's
 * {@link SparkComputationGraph} over every training example (parameter averaging, Adam's state averaged with the
 * parameters), which also advances the graph's epoch count and with it the learning-rate schedule; the examples
 * each executor fitted ({@link WorkerTally}); the loss terms of the averaged model on the training (and validation)
 * examples; then the checkpoint and the metrics file of that epoch. A run killed between epochs loses at most the
 * epoch in progress: the next run resumes after the last checkpoint ({@link CheckpointResume}).
 */
final class DistributedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);
    /** The epoch's mean minibatch loss as the workers saw it (before each update, batch-norm in training mode). */
    static final String MINIBATCH_TOTAL = "minibatch_total";
    /** Prefix of the loss terms measured on the validation split. */
    static final String VAL = "val_";

    /** The examples of a run: the training RDD and its size, and the validation RDD (may be empty). */
    record Data(JavaRDD<MultiDataSet> train, long trainCount, JavaRDD<MultiDataSet> val, long valCount) {
    }

    /** What one epoch did. */
    record Epoch(int epoch, double learningRate, Map<String, Double> lossTerms, long examples, double fitSeconds,
                 double seconds, Map<String, WorkerTally.Totals> byExecutor) {
    }

    private final JobContext ctx;
    private final String stage;
    private final TrainingTarget target;

    DistributedTrainer(JobContext ctx, String stage, TrainingTarget target) {
        this.ctx = ctx;
        this.stage = stage;
        this.target = target;
    }

    /** Trains from {@code start} up to {@code training.epochs}; returns the epochs trained, in order. */
    List<Epoch> train(CheckpointResume.Start start, Data data) throws IOException {
        TrainingSettings s = ctx.config().training();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
        Configuration conf = ctx.hadoopConf();
        ComputationGraph graph = start.graph();
        Checkpoints checkpoints = new Checkpoints(target.checkpointDir(ctx.layout()).toString(), conf);
        Path metricsDir = target.metricsDir(ctx.layout());
        Path staging = ctx.layout().staging(stage, ctx.runId());
        Path exportDir = new Path(staging, "export");
        // minibatch files a killed run of this stage exported are abandoned: one run per stage and data root
        staging.getFileSystem(conf).delete(ctx.layout().stagingRoot(stage), true);
        TrainingMasters.checkApproach(s, sc.master(), exportDir, conf);

        WorkerTally tally = new WorkerTally();
        sc.sc().register(tally, stage + ": examples fitted per executor");
        int workers = TrainingMasters.workers(s, sc);
        TrainableAveragingMaster master = TrainingMasters.create(s, workers, s.seed(), exportDir.toString(),
                List.of(new TallyHook(tally), new TrainingMemoryHook(target.net())));
        SparkComputationGraph net = new SparkComputationGraph(sc, graph, master);
        JavaRDD<MultiDataSet> eval = s.evalExamples() == 0 || s.evalExamples() >= data.trainCount() ? data.train()
                : data.train().sample(false, s.evalExamples() / (double) data.trainCount(), s.seed());
        List<Epoch> out = new ArrayList<>();
        Path uiTarget = new Path(new Path(metricsDir, "ui-stats"), ctx.runId());
        try (UiStats ui = UiStats.open(s.uiStats(), uiTarget, conf)) {
            if (ui != null) {
                ui.attach(net);
            }
            TrainingMetrics metrics = TrainingMetrics.register(stage);
            for (int epoch = start.epochsDone() + 1; epoch <= s.epochs(); epoch++) {
                master.dealEpoch(epoch);
                Epoch done = epoch(epoch, net, tally, data, eval, checkpoints, metricsDir, workers);
                out.add(done);
                metrics.epochDone(epoch, done.lossTerms(), done.examples(), done.examples() / done.fitSeconds());
            }
        } finally {
            // this JVM's heap as configured again (local mode trains here); executors keep the encoder's thresholds
            // until a decoder trains in them or the application ends
            NativeHeap.asConfigured();
            org.apache.hadoop.fs.FileSystem fs = staging.getFileSystem(conf);
            fs.delete(staging, true);
            Path stageRoot = ctx.layout().stagingRoot(stage);
            if (fs.exists(stageRoot) && fs.listStatus(stageRoot).length == 0) {
                fs.delete(stageRoot, false);
            }
        }
        return out;
    }

    private Epoch epoch(int epoch, SparkComputationGraph net, WorkerTally tally, Data data, JavaRDD<MultiDataSet> eval,
                        Checkpoints checkpoints, Path metricsDir, int workers) throws IOException {
        TrainingSettings s = ctx.config().training();
        JavaSparkContext sc = net.getSparkContext();
        ComputationGraph graph = net.getNetwork();
        String what = String.format(Locale.ROOT, "%s: epoch %d/%d", stage, epoch, s.epochs());
        double learningRate = Networks.learningRate(graph, target.learningRateLayer(), epoch - 1);
        sc.setJobDescription(what + ", parameter averaging over " + workers + " workers");
        tally.reset();
        long t0 = System.nanoTime();
        net.fitMultiDataSet(data.train());
        double fitSeconds = (System.nanoTime() - t0) / 1e9;
        if (graph.getConfiguration().getEpochCount() != epoch) {
            throw new IllegalStateException("After epoch " + epoch + " the graph counts "
                    + graph.getConfiguration().getEpochCount() + " epochs; the learning-rate schedule would drift.");
        }
        Map<String, WorkerTally.Totals> byExecutor = new TreeMap<>(tally.value());
        long examples = WorkerTally.examples(byExecutor);
        if (examples != data.trainCount()) {
            LOG.warn("{}: the workers fitted {} examples, but the epoch has {}", what, examples, data.trainCount());
        }

        sc.setJobDescription(what + ", loss terms of the averaged model");
        Map<String, Double> terms = new LinkedHashMap<>(
                LossEvaluation.evaluate(sc, graph, target.terms(), eval, s.batchPerWorker()).means());
        terms.put(MINIBATCH_TOTAL, WorkerTally.meanLoss(byExecutor));
        if (data.valCount() > 0) {
            LossEvaluation.evaluate(sc, graph, target.terms(), data.val(), s.batchPerWorker()).means()
                    .forEach((k, v) -> terms.put(VAL + k, v));
        }
        terms.values().removeIf(v -> !Double.isFinite(v)); // JSON has no NaN
        checkpoints.save(graph, new CheckpointMetadata(target.profile().id(), target.metadataVariant(), epoch, null,
                target.provenance(), terms));
        double seconds = (System.nanoTime() - t0) / 1e9;
        new EpochMetrics(target.net().dir(), target.variant(), epoch, terms, learningRate, examples, examples / fitSeconds,
                fitSeconds).write(metricsDir, ctx.hadoopConf());
        LOG.info(String.format(Locale.ROOT, "%s: loss %.4f (%s), lr %.3g, %d examples on %d executor(s), %.1f "
                        + "samples/s, fit %.1f s, epoch %.1f s", what, terms.getOrDefault("total", Double.NaN),
                describe(terms), learningRate, examples, byExecutor.size(), examples / fitSeconds, fitSeconds, seconds));
        return new Epoch(epoch, learningRate, terms, examples, fitSeconds, seconds, byExecutor);
    }

    private static String describe(Map<String, Double> terms) {
        StringBuilder b = new StringBuilder();
        terms.forEach((k, v) -> {
            if (!k.equals("total")) {
                b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%.4f", v));
            }
        });
        return b.toString();
    }
}
