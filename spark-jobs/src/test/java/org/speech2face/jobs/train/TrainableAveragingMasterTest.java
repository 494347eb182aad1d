package org.speech2face.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.config.ConfigLoader;
import org.speech2face.config.TrainingSettings;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainableParameters;
import org.speech2face.model.networks.TrainingGraphs;
import org.speech2face.testing.SharedSpark;

/**
 * Parameter averaging by parts on the tiny decoder (frozen VGGFace in its loss), against plain training of one graph
 * (the reference, independent of Spark and of the averaging code), and a worker's result carrying only the
 * trainable part.
 */
@ExtendWith(SharedSpark.class)
class TrainableAveragingMasterTest {
    private static final int WORKERS = 2;
    private static final int BATCH = 2;
    private static final long SEED = 11;
    private static JavaSparkContext sc;

    @BeforeAll
    static void context(SparkSession spark) {
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    private static ComputationGraph decoder() {
        Nd4j.getRandom().setSeed(5);
        ComputationGraph g = new ComputationGraph(TrainingGraphs.decoder(ModelProfile.TINY, Networks.paperAdam(),
                DataType.FLOAT, 1));
        g.init();
        return g;
    }

    private static TrainingSettings settings() {
        return ConfigLoader.load(null, List.of("training.batch-per-worker=" + BATCH, "training.averaging-frequency=1",
                "training.approach=direct")).training();
    }

    /**
     * One worker fitting one example per epoch is plain training: after each round the driver's graph must be where
     * a single graph fitting the same example once per epoch is, Adam's step count and the learning-rate schedule
     * included (epoch 2 of three crosses the paper's decay; DL4J's own workers would restart both every round).
     */
    @Test
    void oneWorkerTrainsAsOneGraphWouldAndTheFrozenValuesStay() {
        ComputationGraph distributed = decoder();
        ComputationGraph single = distributed.clone();
        TrainableParameters layout = TrainableParameters.of(distributed);
        INDArray start = distributed.params().dup();
        MultiDataSet example = new TrainingBenchmark.Synthetic(ModelProfile.TINY, TrainingBenchmark.Net.DECODER)
                .call(0);
        JavaRDD<MultiDataSet> one = sc.parallelize(List.of(example), 1);
        TrainingSettings s = ConfigLoader.load(null, List.of("training.batch-per-worker=1",
                "training.averaging-frequency=1", "training.approach=direct")).training();
        TrainableAveragingMaster byParts = TrainingMasters.create(s, 1, SEED, null, List.of());
        SparkComputationGraph net = new SparkComputationGraph(sc, distributed, byParts);
        for (int epoch = 1; epoch <= 3; epoch++) {
            byParts.dealEpoch(epoch);
            net.fitMultiDataSet(one);
            single.getConfiguration().setEpochCount(epoch - 1);
            single.fit(example);
        }
        assertThat(distributed.getConfiguration().getEpochCount()).isEqualTo(3);
        assertThat(distributed.getConfiguration().getIterationCount()).isEqualTo(3)
                .isEqualTo(single.getConfiguration().getIterationCount());
        INDArray moved = layout.trainableOf(distributed.params()).sub(layout.trainableOf(start));
        assertThat(moved.amaxNumber().doubleValue()).as("the trainable parameters moved").isGreaterThan(1e-4);
        assertThat(layout.frozenOf(distributed.params())).isEqualTo(layout.frozenOf(start));
        assertThat(maxDifference(distributed.params(), single.params())).isLessThan(1e-6);
        assertThat(maxDifference(distributed.getUpdater().getStateViewArray(),
                single.getUpdater().getStateViewArray())).isLessThan(1e-6);
    }

    /**
     * A short last round: three copies of one example, averaging every 2 minibatches, gives rounds of 2 and 1
     * minibatches; the driver must count the 3 steps the worker took (DL4J's master counts 4), or the next epoch's
     * worker starts Adam's bias correction a step ahead of one graph fitting the example six times.
     */
    @Test
    void aShortLastRoundCountsTheStepsItsWorkerTook() throws Exception {
        ComputationGraph distributed = decoder();
        ComputationGraph single = distributed.clone();
        MultiDataSet example = new TrainingBenchmark.Synthetic(ModelProfile.TINY, TrainingBenchmark.Net.DECODER)
                .call(0);
        JavaRDD<MultiDataSet> three = sc.parallelize(List.of(example, example, example), 1);
        TrainingSettings s = ConfigLoader.load(null, List.of("training.batch-per-worker=1",
                "training.averaging-frequency=2", "training.approach=direct")).training();
        TrainableAveragingMaster byParts = TrainingMasters.create(s, 1, SEED, null, List.of());
        SparkComputationGraph net = new SparkComputationGraph(sc, distributed, byParts);
        for (int epoch = 1; epoch <= 2; epoch++) {
            byParts.dealEpoch(epoch);
            net.fitMultiDataSet(three);
            single.getConfiguration().setEpochCount(epoch - 1);
            for (int i = 0; i < 3; i++) {
                single.fit(example);
            }
        }
        assertThat(distributed.getConfiguration().getIterationCount()).isEqualTo(6)
                .isEqualTo(single.getConfiguration().getIterationCount());
        assertThat(maxDifference(distributed.params(), single.params())).isLessThan(1e-6);
    }

    @Test
    void aWorkerStartsFromTheWholeGraphAndReturnsOnlyTheTrainablePart() {
        ComputationGraph g = decoder();
        TrainableParameters layout = TrainableParameters.of(g);
        TrainableAveragingMaster master = TrainingMasters.create(settings(), WORKERS, SEED, null, List.of());
        TrainableAveragingWorker worker = (TrainableAveragingWorker) master.getWorkerInstance(
                new SparkComputationGraph(sc, g, master));
        try {
            ComputationGraph net = worker.getInitialModelGraph();
            assertThat(net.params()).isEqualTo(g.params());
            assertThat(net.params().data().address()).isNotEqualTo(g.params().data().address());
            ParameterAveragingTrainingResult result = worker.getFinalResult(net);
            assertThat(result.getParameters().length()).isEqualTo(layout.trainable())
                    .isEqualTo(g.numParams() - layout.frozen()).isLessThan(g.numParams());
            assertThat(result.getParameters()).isEqualTo(layout.trainableOf(g.params()));
            assertThat(result.getUpdaterState()).isEqualTo(g.getUpdater().getStateViewArray());
        } finally {
            master.release();
        }
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
