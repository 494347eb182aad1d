package org.speech2face.model.layers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.DL4JSameDiffMemoryMgr;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's runtime SameDiff layer with a correct backward pass.
 *
 * <p>In DL4J 1.0.0-M2.1 the stock layer feeds the incoming gradient through {@code ExternalErrorsFunction}, whose
 * derivative is registered twice, so every gradient of a {@code SameDiffLayer} comes out exactly doubled (seen
 * with a gradient check on {@code x * 2}; the generated grad function contains {@code add(g, g)}). Here the layer
 * graph instead ends in the scalar {@code sum(output * epsilon)} with epsilon a placeholder, whose gradient with
 * respect to input and parameters is exactly the backpropagated one. Forward passes are unchanged.
 */
public class ExactSameDiffLayer extends SameDiffLayer {
    static final String EPSILON_KEY = "dl4jEpsilon";

    public ExactSameDiffLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** What a custom layer's {@code instantiate} returns instead of the stock runtime layer. */
    public static ExactSameDiffLayer instantiate(org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer layer,
                                          NeuralNetConfiguration conf, int index, INDArray paramsView,
                                          boolean initializeParams, DataType dataType) {
        ExactSameDiffLayer ret = new ExactSameDiffLayer(conf, dataType);
        ret.setIndex(index);
        ret.setParamsViewArray(paramsView);
        ret.setParamTable(layer.initializer().init(conf, paramsView, initializeParams));
        ret.setConf(conf);
        return ret;
    }

    @Override
    protected void doInit() {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer bl =
                    (org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer) layerConf();
            sameDiff = SameDiff.create();
            sameDiff.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
            long[] inputShape = input.shape().clone();
            inputShape[0] = -1;
            SDVariable inputVar = sameDiff.placeHolder(INPUT_KEY, dataType, inputShape);
            Map<String, SDVariable> params = new LinkedHashMap<>();
            layerConf().getLayerParams().getParamShapes().forEach((k, shape) -> params.put(k, sameDiff.var(k, dataType, shape)));
            long[] maskShape = new long[inputShape.length];
            java.util.Arrays.fill(maskShape, -1);
            SDVariable mask = sameDiff.placeHolder(MASK_KEY, dataType, maskShape);
            outputVar = bl.defineLayer(sameDiff, inputVar, params, mask);
            paramTable().forEach((k, arr) -> sameDiff.associateArrayWithVariable(arr, sameDiff.getVariable(k)));
            SDVariable epsilon = sameDiff.placeHolder(EPSILON_KEY, dataType);
            SDVariable backpropLoss = outputVar.mul(epsilon).sum();
            sameDiff.setLossVariables(backpropLoss);
            outputKey = outputVar.name();
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (sameDiff == null) {
                doInit();
            }
            if (!sameDiff.hasGradientFunction()) {
                sameDiff.createGradFunction(INPUT_KEY);
            }
        }
        Map<Long, InferenceSession> sessions = sameDiff.getFunction("grad").getSessions();
        sessions.computeIfAbsent(Thread.currentThread().getId(),
                id -> SameDiff.getInferenceFactory().create(sameDiff.getFunction("grad")));
        sessions.get(Thread.currentThread().getId()).setMmgr(new DL4JSameDiffMemoryMgr(
                workspaceMgr.getWorkspaceName(ArrayType.BP_WORKING_MEM), workspaceMgr.getWorkspaceName(ArrayType.ACTIVATION_GRAD),
                workspaceMgr.getConfiguration(ArrayType.BP_WORKING_MEM), workspaceMgr.getConfiguration(ArrayType.ACTIVATION_GRAD)));

        Map<String, INDArray> placeholders = new HashMap<>();
        placeholders.put(INPUT_KEY, input);
        placeholders.put(EPSILON_KEY, epsilon);
        placeholders.put(MASK_KEY, maskArray != null ? maskArray : layerConf().onesMaskForInput(input));

        List<String> wanted = new ArrayList<>(paramTable.size() + 1);
        wanted.add(INPUT_KEY);
        wanted.addAll(paramTable.keySet());
        Map<String, INDArray> grads = sameDiff.calculateGradients(placeholders, wanted);
        Gradient g = new DefaultGradient();
        for (String key : paramTable.keySet()) {
            INDArray view = gradTable.get(key);
            view.assign(grads.get(key));
            g.gradientForVariable().put(key, view);
        }
        INDArray dLdIn = grads.get(INPUT_KEY);
        sameDiff.clearPlaceholders(true);
        sameDiff.clearOpInputs();
        return new Pair<>(g, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dLdIn));
    }
}
