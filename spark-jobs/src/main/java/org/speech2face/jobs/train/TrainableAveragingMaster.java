package org.speech2face.jobs.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.model.networks.TrainableParameters;

/**
 * Parameter averaging that moves only what training changes. DL4J's master broadcasts the whole parameter vector
 * each round and each worker sends it back; for the paper-size decoder that is 0.76 GB each way per worker, 0.5 GB
 * of it the frozen VGGFace, and a worker's result (with Adam's 0.51 GB) did not fit through Spark's task results on
 * a 24 GB machine. Here the frozen parameters are broadcast once per fit, each round broadcasts and returns the
 * trainable ones with Adam's state ({@link TrainableAveragingWorker}), and the averages are written back over the
 * graph's trainable values; the round's broadcast is destroyed as soon as its results are in. Arrays travel as raw
 * bytes ({@link PackedArray}) rather than through ND4J's element-by-element Kryo serializer. The arithmetic is
 * DL4J's: the same sums of the same results divided by the same count ({@link RoundSum}), frozen values untouched
 * (as they would be by averaging identical copies). Computation graphs only, without DL4J's worker statistics.
 */
final class TrainableAveragingMaster extends ExactRoundsTrainingMaster {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainableAveragingMaster.class);

    private transient TrainableParameters layout;
    private transient Broadcast<PackedArray> frozen;
    private transient Broadcast<RoundStart> round;

    TrainableAveragingMaster(Builder builder, long seed) {
        super(builder, seed);
    }

    @Override
    public void executeTrainingMDS(SparkComputationGraph graph, JavaRDD<MultiDataSet> trainingData) {
        try {
            super.executeTrainingMDS(graph, trainingData);
        } finally {
            release();
        }
    }

    /** Drops the fit's broadcasts; the next fit broadcasts the frozen parameters afresh. */
    void release() {
        if (round != null) {
            round.destroy();
            round = null;
        }
        if (frozen != null) {
            frozen.destroy();
            frozen = null;
        }
        layout = null;
    }

    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        ComputationGraph g = graph.getNetwork();
        JavaSparkContext sc = graph.getSparkContext();
        if (layout == null) {
            layout = TrainableParameters.of(g);
            INDArray frozenPart = layout.frozenOf(g.params());
            frozen = frozenPart == null ? null : sc.broadcast(new PackedArray(frozenPart));
            LOG.info("Parameter averaging of {} trainable parameters; {} frozen ones broadcast once for this fit",
                    layout.trainable(), layout.frozen());
        }
        round = sc.broadcast(new RoundStart(g.getConfiguration(), layout.trainableOf(g.params()),
                g.getUpdater().getStateViewArray()));
        WorkerConfiguration configuration = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker,
                averagingFrequency, prefetchNumBatches, false);
        return new TrainableAveragingWorker(round, frozen, layout, configuration, trainingHookList, listeners,
                getRouterProvider());
    }

    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        if (graph == null) {
            throw new UnsupportedOperationException("Parameter averaging by parts trains computation graphs only.");
        }
        RoundSum sum = results.treeAggregate(null, RoundSum::add, RoundSum::merge, aggregationDepth);
        results.unpersist(false); // the export approach persists them; a round's results are not read again
        if (round != null) {
            round.destroy();
            round = null;
        }
        if (sum == null) {
            LOG.info("Round {} of {} had no examples for any worker; the parameters stay as they were", splitNum,
                    totalSplits);
            return;
        }
        int workers = sum.workers();
        ComputationGraph g = graph.getNetwork();
        layout.setTrainable(g.params(), sum.parameters().divi(workers));
        INDArray updaterState = sum.updaterState();
        if (updaterState != null) {
            g.getUpdater().setStateViewArray(updaterState.divi(workers));
        }
        graph.setScore(sum.score() / workers);
        routeListenerReports(sum);
        // the workers' count: DL4J's master adds the averaging frequency, one too many for each minibatch a short
        // last round lacks, and the workers now start from it
        ComputationGraphConfiguration conf = g.getConfiguration();
        conf.setIterationCount(sum.iterations() >= 0 ? sum.iterations() : conf.getIterationCount() + averagingFrequency);
        LOG.info("Completed round {} of {} ({} workers)", splitNum, totalSplits, workers);
    }

    /** The workers' training-UI reports, into the configured store (DL4J's master does the same). */
    private void routeListenerReports(RoundSum sum) {
        if (statsStorage == null) {
            return;
        }
        if (!sum.listenerMetaData().isEmpty()) {
            statsStorage.putStorageMetaData(sum.listenerMetaData());
        }
        if (!sum.listenerStaticInfo().isEmpty()) {
            statsStorage.putStaticInfo(sum.listenerStaticInfo());
        }
        if (!sum.listenerUpdates().isEmpty()) {
            statsStorage.putUpdate(sum.listenerUpdates());
        }
    }
}
