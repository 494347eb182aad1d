package org.speech2face.model.networks;

import org.speech2face.model.layers.NativeBackend;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/** Settings shared by every AR-SPM graph: seed, data type, initialisation and the paper's optimiser. */
public final class Networks {
    /** Paper: Adam, learning rate 1e-3 decayed by 0.9 every 2 epochs, beta1 0.5, beta2 0.999, epsilon 1e-4. */
    public static final double LEARNING_RATE = 1e-3;
    public static final double LR_DECAY = 0.9;
    public static final int LR_DECAY_EPOCHS = 2;

    static {
        NativeBackend.preferOneDnn(); // before ND4J loads its natives, when this class is the first to touch them
    }

    private Networks() {
    }

    /** The paper's optimiser; the schedule counts epochs, so callers must advance the graph's epoch count. */
    public static IUpdater paperAdam() {
        return Adam.builder().learningRateSchedule(new StepSchedule(ScheduleType.EPOCH, LEARNING_RATE, LR_DECAY,
                LR_DECAY_EPOCHS)).beta1(0.5).beta2(0.999).epsilon(1e-4).build();
    }

    /** Adam's learning rate of {@code layer} of a graph in the epoch with 0-based index {@code epochIndex}. */
    public static double learningRate(ComputationGraph graph, String layer, int epochIndex) {
        BaseLayer conf = (BaseLayer) graph.getLayer(layer).conf().getLayer();
        return conf.getIUpdater().getLearningRate(graph.getConfiguration().getIterationCount(), epochIndex);
    }

    /** Common builder: He initialisation (ReLU networks), truncating convolutions, workspaces on. */
    static NeuralNetConfiguration.Builder base(DataType dataType, long seed, IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater == null ? new NoOp() : updater)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .cacheMode(CacheMode.NONE);
    }
}
