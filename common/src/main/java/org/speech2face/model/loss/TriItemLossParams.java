package org.speech2face.model.loss;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The tri-item loss's four frozen parameters in one flat view, in the order the earlier SameDiff version of the
 * layer kept them (weights, then biases; each row-major), so checkpoints hold the same numbers in the same places.
 */
final class TriItemLossParams implements ParamInitializer {
    static final TriItemLossParams INSTANCE = new TriItemLossParams();
    private static final List<String> KEYS = List.of(TriItemLoss.DFC1_W, TriItemLoss.VFC3_W, TriItemLoss.DFC1_B,
            TriItemLoss.VFC3_B);

    private TriItemLossParams() {
    }

    private static long[][] shapes(TriItemLoss l) {
        return new long[][] {{l.getFeatures(), l.getHidden()}, {l.getFeatures(), l.getIdentities()},
                {l.getHidden()}, {l.getIdentities()}};
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        long n = 0;
        for (long[] s : shapes((TriItemLoss) layer)) {
            long len = 1;
            for (long d : s) {
                len *= d;
            }
            n += len;
        }
        return n;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return KEYS.subList(0, 2);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return KEYS.subList(2, 4);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return biasKeys(layer).contains(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        TriItemLoss l = (TriItemLoss) conf.getLayer();
        Map<String, INDArray> views = views(l, paramsView);
        if (initializeParams) {
            WeightInitUtil.initWeights(l.getFeatures(), l.getHidden(), views.get(TriItemLoss.DFC1_W).shape(),
                    WeightInit.XAVIER, null, 'c', views.get(TriItemLoss.DFC1_W));
            WeightInitUtil.initWeights(l.getFeatures(), l.getIdentities(), views.get(TriItemLoss.VFC3_W).shape(),
                    WeightInit.XAVIER, null, 'c', views.get(TriItemLoss.VFC3_W));
            views.get(TriItemLoss.DFC1_B).assign(0);
            views.get(TriItemLoss.VFC3_B).assign(0);
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((TriItemLoss) conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> views(TriItemLoss l, INDArray flat) {
        INDArray row = flat.reshape(flat.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        long offset = 0;
        long[][] shapes = shapes(l);
        for (int i = 0; i < KEYS.size(); i++) {
            long len = 1;
            for (long d : shapes[i]) {
                len *= d;
            }
            out.put(KEYS.get(i), row.get(NDArrayIndex.interval(offset, offset + len)).reshape('c', shapes[i]));
            offset += len;
        }
        return out;
    }
}
