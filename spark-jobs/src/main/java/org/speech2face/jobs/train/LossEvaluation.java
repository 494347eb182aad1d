package org.speech2face.jobs.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.speech2face.model.loss.LossTerms;

/**
 * Each loss term of the model as it stands after an epoch, over a set of examples, measured on the executors: the
 * graph goes out as its configuration and one broadcast of its parameters (as DL4J's own Spark scoring does), each
 * partition sums the terms of its minibatches ({@link LossTerms}), the driver adds the sums up.
 */
final class LossEvaluation implements FlatMapFunction<Iterator<MultiDataSet>, double[]> {
    private static final long serialVersionUID = 1L;

    /** Per-example means of the terms, and over how many examples. */
    record Result(long examples, Map<String, Double> means) {
    }

    private final String configuration;
    private final Broadcast<INDArray> parameters;
    private final LossTerms kind;
    private final int batch;

    private LossEvaluation(String configuration, Broadcast<INDArray> parameters, LossTerms kind, int batch) {
        this.configuration = configuration;
        this.parameters = parameters;
        this.kind = kind;
        this.batch = batch;
    }

    /** The terms of {@code graph} over {@code examples}, in minibatches of {@code batch}. */
    static Result evaluate(JavaSparkContext sc, ComputationGraph graph, LossTerms kind, JavaRDD<MultiDataSet> examples,
                           int batch) {
        // a copy: destroying a broadcast closes its value (INDArray is AutoCloseable), which must not be the graph's own
        Broadcast<INDArray> params = sc.broadcast(graph.params().dup());
        try {
            List<double[]> parts = examples.mapPartitions(new LossEvaluation(graph.getConfiguration().toJson(), params,
                    kind, batch)).collect();
            double[] sums = new double[kind.names().size()];
            long n = 0;
            for (double[] p : parts) {
                n += (long) p[0];
                for (int i = 0; i < sums.length; i++) {
                    sums[i] += p[i + 1];
                }
            }
            return new Result(n, kind.means(sums, n, kind.evaluator(graph).weights()));
        } finally {
            params.destroy();
        }
    }

    @Override
    public Iterator<double[]> call(Iterator<MultiDataSet> examples) {
        if (!examples.hasNext()) {
            return Collections.emptyIterator();
        }
        ComputationGraph graph = new ComputationGraph(ComputationGraphConfiguration.fromJson(configuration));
        graph.init(parameters.getValue(), true);
        LossTerms.Evaluator evaluator = kind.evaluator(graph);
        List<org.nd4j.linalg.dataset.api.MultiDataSet> pending = new ArrayList<>(batch);
        while (examples.hasNext()) {
            pending.add(examples.next());
            if (pending.size() == batch || !examples.hasNext()) {
                evaluator.add(org.nd4j.linalg.dataset.MultiDataSet.merge(pending));
                pending.clear();
            }
        }
        double[] sums = evaluator.sums();
        double[] out = new double[sums.length + 1];
        out[0] = evaluator.examples();
        System.arraycopy(sums, 0, out, 1, sums.length);
        return Collections.singletonList(out).iterator();
    }
}
