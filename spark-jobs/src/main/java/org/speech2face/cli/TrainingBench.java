package org.speech2face.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.speech2face.config.ConfigLoader;
import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.LocalCluster;
import org.speech2face.jobs.SparkSessions;
import org.speech2face.jobs.train.TrainingBenchmark;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainingGraphs;
import org.speech2face.bench.LegacyDecoder;
import org.speech2face.bench.ProcessStats;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code bench training}: the distributed training's throughput on a real multi-process cluster of this machine
 * ({@link LocalCluster}), one single-core executor against two, for the tiny decoder and encoder, with the cost of
 * one parameter-averaging round beside each.
 */
final class TrainingBench {
    static final int EXAMPLES = 64;
    static final int BATCH = 8;
    static final int FREQUENCY = 2;
    /** Examples per executor per step at paper size. */
    static final int PAPER_BATCH = 4;
    /** The executor heap a paper-size round needs: its 0.8 GB result is serialised on the heap, twice over. */
    static final int PAPER_EXECUTOR_HEAP_MB = 6144;
    private static final String EXECUTOR_OPTIONS = "spark.conf.spark.executor.extraJavaOptions=";

    private final CliArgs args;
    private final PrintStream out;

    TrainingBench(CliArgs args, PrintStream out) {
        this.args = args;
        this.out = out;
    }

    /**
     * The paper-size decoder in the distributed loop: one executor of both cores fitting {@code minibatches}
     * minibatches of {@link #PAPER_BATCH} per epoch (one averaging round), for the training graph as built before
     * issue 18 ({@link LegacyDecoder}) and as built now, back to back in the same cluster. One executor: two with the
     * heap a paper-size round needs do not fit a 24 GB machine beside the driver.
     */
    void paperDecoder(int minibatches) throws Exception {
        int executors = 1;
        int cores = 2;
        List<String> sets = new ArrayList<>(args.sets());
        sets.addAll(LocalCluster.sets(executors, cores, PAPER_EXECUTOR_HEAP_MB));
        for (int i = 0; i < sets.size(); i++) { // ND4J's arrays live off the heap: room for a paper-size step
            if (sets.get(i).startsWith(EXECUTOR_OPTIONS)) {
                sets.set(i, sets.get(i) + " -Dorg.bytedeco.javacpp.maxbytes=10g -Dorg.bytedeco.javacpp.maxphysicalbytes=18g");
            }
        }
        sets.add("data.root=" + Files.createTempDirectory("s2f-bench"));
        S2fConfig config = ConfigLoader.load(args.confFile(), sets);
        SparkSession spark = SparkSessions.create(config.spark());
        TrainingBenchmark.Round[] rounds = new TrainingBenchmark.Round[2];
        double[] load = new double[3];
        ModelProfile profile = ModelProfile.PAPER;
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            ComputationGraphConfiguration current = TrainingGraphs.decoder(profile, Networks.paperAdam(),
                    DataType.FLOAT, 1);
            load[0] = ProcessStats.loadAverage()[0];
            rounds[0] = TrainingBenchmark.oneRound(sc, profile, TrainingBenchmark.Net.DECODER,
                    LegacyDecoder.of(current), executors, PAPER_BATCH, minibatches);
            load[1] = ProcessStats.loadAverage()[0];
            rounds[1] = TrainingBenchmark.oneRound(sc, profile, TrainingBenchmark.Net.DECODER,
                    current, executors, PAPER_BATCH, minibatches);
            load[2] = ProcessStats.loadAverage()[0];
        } finally {
            spark.stop();
            LocalCluster.release();
        }
        out.printf(Locale.ROOT, "Decoder training (paper profile) in the distributed loop: %d local-cluster executor of %d "
                + "cores and a %d MB heap, %d minibatch(es) of %d per epoch in one averaging round (after a warm-up "
                + "epoch), %s:%n", executors, cores, PAPER_EXECUTOR_HEAP_MB, minibatches, PAPER_BATCH,
                ProcessStats.describeLoad());
        String[] names = {"decoder as before issue 18:", "decoder now:"};
        for (int i = 0; i < 2; i++) {
            TrainingBenchmark.Round r = rounds[i];
            out.printf(Locale.ROOT, "  %-28s %6.3f samples/s: a %5.1f s round, %5.1f s of it the executor's training steps "
                    + "(1-min load %.1f -> %.1f)%n", names[i], r.samplesPerSecond(), r.seconds(), r.stepSeconds(),
                    load[i], load[i + 1]);
        }
        TrainingBenchmark.Round now = rounds[1];
        TrainingBenchmark.Round before = rounds[0];
        out.printf(Locale.ROOT, "  now / before: %.2fx the samples/s of the loop, %.2fx the executor's steps; the rest of "
                        + "the round (broadcasts, the worker's graph, its result) took %.1f s before and %.1f s now%n",
                now.samplesPerSecond() / before.samplesPerSecond(), before.stepSeconds() / now.stepSeconds(),
                before.seconds() - before.stepSeconds(), now.seconds() - now.stepSeconds());
        out.printf(Locale.ROOT, "  each round moved %.0f MB of trainable parameters and %.0f MB of Adam's state each way "
                        + "per worker; the %.0f MB of frozen VGGFace went to the executors once per fit%n",
                now.trainableParameters() * 4 / 1e6, now.updaterState() * 4 / 1e6, now.frozenParameters() * 4 / 1e6);
    }

    void run(List<TrainingBenchmark.Net> nets) throws Exception {
        List<TrainingBenchmark.Result> results = new ArrayList<>();
        for (int executors = 1; executors <= 2; executors++) {
            List<String> sets = new ArrayList<>(args.sets());
            sets.addAll(LocalCluster.sets(executors, 1, 2048));
            sets.add("data.root=" + Files.createTempDirectory("s2f-bench"));
            S2fConfig config = ConfigLoader.load(args.confFile(), sets);
            SparkSession spark = SparkSessions.create(config.spark());
            try {
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                for (TrainingBenchmark.Net net : nets) {
                    results.add(TrainingBenchmark.measure(sc, ModelProfile.TINY, net, executors, EXAMPLES, BATCH,
                            FREQUENCY));
                }
            } finally {
                spark.stop();
                LocalCluster.release();
            }
        }
        out.printf(Locale.ROOT, "Training throughput, tiny profile, %d synthetic examples per epoch, %d per minibatch, "
                + "averaging every %d minibatches; local-cluster executors of 1 core (best of 2 epochs after a warm-up):%n",
                EXAMPLES, BATCH, FREQUENCY);
        out.printf(Locale.ROOT, "%-8s %9s %10s %13s %17s%n", "net", "executors", "samples/s", "rounds/epoch",
                "averaging round");
        results.sort(java.util.Comparator.comparing(TrainingBenchmark.Result::net)
                .thenComparingInt(TrainingBenchmark.Result::workers));
        for (TrainingBenchmark.Result r : results) {
            out.printf(Locale.ROOT, "%-8s %9d %10.2f %13d %15.0f ms%n", r.net().name().toLowerCase(Locale.ROOT),
                    r.workers(), r.samplesPerSecond(), r.roundsPerEpoch(), r.roundSeconds() * 1000);
        }
        for (TrainingBenchmark.Net net : nets) {
            double one = results.stream().filter(r -> r.net() == net && r.workers() == 1).findFirst().orElseThrow()
                    .samplesPerSecond();
            double two = results.stream().filter(r -> r.net() == net && r.workers() == 2).findFirst().orElseThrow()
                    .samplesPerSecond();
            out.printf(Locale.ROOT, "%s: two executors run %.2fx the examples per second of one%n",
                    net.name().toLowerCase(Locale.ROOT), two / one);
        }
    }
}
