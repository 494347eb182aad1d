package org.speech2face.jobs.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouterProvider;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.core.storage.listener.RoutingIterationListener;
import org.deeplearning4j.core.util.UIDProvider;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.speech2face.model.networks.TrainableParameters;

/**
 * DL4J's parameter-averaging worker, fed and read by parts ({@link TrainableAveragingMaster}): it builds its graph
 * from the round's trainable parameters and the frozen ones broadcast once per fit, fits its minibatches as DL4J's
 * worker does (hooks included), and returns only the trainable parameters with Adam's state. A training-UI listener
 * is named by the JVM and the task's partition, where DL4J's worker counts the workers of its broadcast.
 */
final class TrainableAveragingWorker extends ParameterAveragingTrainingWorker {
    private static final long serialVersionUID = 1L;

    private final Broadcast<RoundStart> round;
    private final Broadcast<PackedArray> frozen;
    private final TrainableParameters layout;
    private final Collection<TrainingListener> listeners;
    private final StatsStorageRouterProvider routerProvider;

    /** {@code frozen} is null when the graph has no frozen parameters. */
    TrainableAveragingWorker(Broadcast<RoundStart> round, Broadcast<PackedArray> frozen, TrainableParameters layout,
                             WorkerConfiguration configuration, Collection<TrainingHook> hooks,
                             Collection<TrainingListener> listeners, StatsStorageRouterProvider routerProvider) {
        // DL4J's worker reads its broadcast only in the two methods overridden here
        super(null, true, configuration, hooks, listeners, routerProvider);
        if (configuration.isCollectTrainingStats()) {
            throw new IllegalArgumentException("DL4J's worker statistics are not collected by parts; leave them off.");
        }
        this.round = round;
        this.frozen = frozen;
        this.layout = layout;
        this.listeners = listeners;
        this.routerProvider = routerProvider;
    }

    @Override
    public ComputationGraph getInitialModelGraph() {
        RoundStart start = round.getValue();
        ComputationGraph net = new ComputationGraph(start.configuration());
        net.init(layout.assemble(start.trainable(), frozen == null ? null : frozen.getValue().get()), false);
        if (start.updaterState() != null) {
            net.setUpdater(new ComputationGraphUpdater(net, start.updaterState().dup()));
        }
        if (listeners != null) {
            TaskContext task = TaskContext.get();
            int counter = task == null ? 0 : task.partitionId();
            List<TrainingListener> list = new ArrayList<>(listeners.size());
            for (TrainingListener l : listeners) {
                if (routerProvider != null && l instanceof RoutingIterationListener rl) { // as DL4J's worker does
                    rl.setStorageRouter(routerProvider.getRouter());
                    rl.setWorkerID(UIDProvider.getJVMUID() + "_" + counter);
                }
                list.add(l);
            }
            net.setListeners(list);
        }
        return net;
    }

    @Override
    public MultiLayerNetwork getInitialModel() {
        throw new UnsupportedOperationException("Parameter averaging by parts trains computation graphs only.");
    }

    @Override
    public ParameterAveragingTrainingResult getFinalResult(ComputationGraph network) {
        ParameterAveragingTrainingResult all = super.getFinalResult(network);
        return new WorkerResult(layout.trainableOf(all.getParameters()), all.getUpdaterState(), all.getScore(),
                all.getListenerMetaData(), all.getListenerStaticInfo(), all.getListenerUpdates(),
                network.getConfiguration().getIterationCount());
    }

    /** DL4J's result with the iteration count the worker's graph reached: the driver's count after the round. */
    static final class WorkerResult extends ParameterAveragingTrainingResult {
        private static final long serialVersionUID = 1L;
        private final int iterations;

        WorkerResult(INDArray parameters, INDArray updaterState, double score,
                     Collection<StorageMetaData> metaData, Collection<Persistable> staticInfo,
                     Collection<Persistable> updates, int iterations) {
            super(parameters, updaterState, score, metaData, staticInfo, updates);
            this.iterations = iterations;
        }

        int iterations() {
            return iterations;
        }
    }
}
