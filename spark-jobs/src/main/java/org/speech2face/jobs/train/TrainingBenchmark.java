package org.speech2face.jobs.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.speech2face.config.TrainingSettings;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.networks.TrainingExamples;
import org.speech2face.model.networks.TrainableParameters;
import org.speech2face.model.networks.TrainingGraphs;

/**
 * Throughput of the distributed training on the running Spark session, on synthetic examples of the right shapes
 * (made on the executors): examples per second of an epoch, and the cost of one parameter-averaging round, found by
 * fitting the same examples in the same minibatches once with an averaging round after every minibatch and once
 * with as few rounds as possible: the difference in wall time over the difference in rounds is what a round costs
 * beyond its minibatches (broadcast, task launch, the workers' graph set-up, collecting and averaging parameters and
 * Adam's state).
 */
public final class TrainingBenchmark {
    /** The nets it can time. */
    public enum Net { DECODER, ENCODER }

    /** One measurement: epoch throughput at {@code averagingFrequency}, and the cost of one averaging round. */
    public record Result(Net net, int workers, int examples, int batchPerWorker, int averagingFrequency,
                         int roundsPerEpoch, double samplesPerSecond, double roundSeconds) {
    }

    private TrainingBenchmark() {
    }

    /**
     * Times {@code net} of {@code profile} on {@code examples} synthetic examples with {@code workers} workers of
     * {@code batch} examples per minibatch, averaging every {@code frequency} minibatches; each figure is the faster
     * of two epochs after one warm-up epoch.
     */
    public static Result measure(JavaSparkContext sc, ModelProfile profile, Net net, int workers, int examples,
                                 int batch, int frequency) {
        JavaRDD<MultiDataSet> data = sc.parallelize(indices(examples), workers)
                .map(new Synthetic(profile, net)).persist(StorageLevel.MEMORY_ONLY_SER());
        data.count();
        try {
            ComputationGraph graph = new ComputationGraph(net == Net.DECODER
                    ? TrainingGraphs.decoder(profile, Networks.paperAdam(), DataType.FLOAT, 1)
                    : TrainingGraphs.encoder(profile, PriorFusion.ADD_FC, Networks.paperAdam(), DataType.FLOAT, 1));
            graph.init();
            epochSeconds(sc, graph, data, workers, batch, frequency); // warm-up: JIT, native libraries, workspaces
            double atFrequency = fastest(sc, graph, data, workers, batch, frequency);
            int allInOne = (examples + workers * batch - 1) / (workers * batch); // minibatches per worker per epoch
            int perMinibatch = rounds(examples, workers, batch, 1);
            int fewest = rounds(examples, workers, batch, allInOne);
            double eachMinibatch = fastest(sc, graph, data, workers, batch, 1);
            double once = fastest(sc, graph, data, workers, batch, allInOne);
            double round = perMinibatch == fewest ? Double.NaN : (eachMinibatch - once) / (perMinibatch - fewest);
            return new Result(net, workers, examples, batch, frequency, rounds(examples, workers, batch, frequency),
                    examples / atFrequency, round);
        } finally {
            data.unpersist();
        }
    }

    /**
     * One timed averaging round: its seconds, the longest a worker spent in its training steps, and the parameters
     * and optimiser state each worker sent back.
     */
    public record Round(double seconds, double stepSeconds, int examples, long trainableParameters,
                        long frozenParameters, long updaterState) {
        public double samplesPerSecond() {
            return examples / seconds;
        }
    }

    /**
     * The distributed loop when each of {@code workers} workers fits {@code minibatches} minibatches of
     * {@code batch} synthetic examples of {@code conf} in one averaging round (an epoch), after one such warm-up
     * epoch: enough at paper size, where a step takes seconds, to see a per-step gain carry into the loop.
     */
    public static Round oneRound(JavaSparkContext sc, ModelProfile profile, Net net,
                                 org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf, int workers, int batch,
                                 int minibatches) {
        int examples = workers * batch * minibatches;
        JavaRDD<MultiDataSet> data = sc.parallelize(indices(examples), workers)
                .map(new Synthetic(profile, net)).persist(StorageLevel.MEMORY_ONLY_SER());
        data.count();
        try {
            ComputationGraph graph = new ComputationGraph(conf);
            graph.init();
            TrainableParameters layout = TrainableParameters.of(graph);
            WorkerTally steps = new WorkerTally();
            sc.sc().register(steps, "bench training: seconds in training steps");
            List<TrainingHook> hooks = List.of(new TallyHook(steps), new TrainingMemoryHook(net == Net.DECODER
                    ? DataLayout.Net.DECODER : DataLayout.Net.ENCODER)); // as the training jobs run
            epochSeconds(sc, graph, data, workers, batch, minibatches, hooks);
            steps.reset();
            double seconds = epochSeconds(sc, graph, data, workers, batch, minibatches, hooks);
            return new Round(seconds, WorkerTally.longestStepSeconds(steps.value()), examples,
                    layout.trainable(), layout.frozen(), graph.getUpdater().getStateViewArray().length());
        } finally {
            data.unpersist();
        }
    }

    private static double fastest(JavaSparkContext sc, ComputationGraph graph, JavaRDD<MultiDataSet> data, int workers,
                                  int batch, int frequency) {
        return Math.min(epochSeconds(sc, graph, data, workers, batch, frequency),
                epochSeconds(sc, graph, data, workers, batch, frequency));
    }

    private static double epochSeconds(JavaSparkContext sc, ComputationGraph graph, JavaRDD<MultiDataSet> data,
                                       int workers, int batch, int frequency) {
        return epochSeconds(sc, graph, data, workers, batch, frequency, List.of());
    }

    private static double epochSeconds(JavaSparkContext sc, ComputationGraph graph, JavaRDD<MultiDataSet> data,
                                       int workers, int batch, int frequency, List<TrainingHook> hooks) {
        TrainingSettings s = new TrainingSettings(1, workers, batch, frequency, 0, TrainingSettings.Approach.DIRECT,
                "MEMORY_ONLY_SER", 7, 0, false, EncoderVariant.Prior.NONE, PriorFusion.NONE);
        SparkComputationGraph net = new SparkComputationGraph(sc, graph,
                TrainingMasters.create(s, workers, 7, null, hooks));
        long t0 = System.nanoTime();
        net.fitMultiDataSet(data);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Averaging rounds of an epoch: ceil(examples / (workers x batch x frequency)). */
    static int rounds(int examples, int workers, int batch, int frequency) {
        long perRound = (long) workers * batch * frequency;
        return (int) Math.max(1, (examples + perRound - 1) / perRound);
    }

    static List<Integer> indices(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    /** Example {@code i}: seeded Gaussian noise in the shapes of the net's inputs and labels. */
    record Synthetic(ModelProfile profile, Net net) implements Function<Integer, MultiDataSet> {
        @Override
        public MultiDataSet call(Integer i) {
            Random r = new Random(i);
            float[] ff = noise(r, profile.featureDim());
            if (net == Net.DECODER) {
                float[] face = noise(r, 3 * profile.faceSize() * profile.faceSize());
                for (int k = 0; k < face.length; k++) {
                    face[k] = 0.5f + 0.1f * face[k];
                }
                return TrainingExamples.decoder(ff, face, profile);
            }
            float[] spec = noise(r, ModelProfile.SPECTROGRAM_FRAMES * ModelProfile.SPECTROGRAM_BINS * 2);
            return TrainingExamples.encoder(spec, noise(r, profile.featureDim()), ff, profile, PriorFusion.ADD_FC);
        }

        private static float[] noise(Random r, int n) {
            float[] v = new float[n];
            for (int k = 0; k < n; k++) {
                v[k] = (float) r.nextGaussian();
            }
            return v;
        }
    }
}
