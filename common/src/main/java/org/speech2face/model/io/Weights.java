package org.speech2face.model.io;

import java.util.Arrays;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Moves trained parameters between graphs by layer name, refusing any mismatch rather than padding or guessing. */
public final class Weights {
    private Weights() {
    }

    /** Copies every parameter of layer {@code from} in {@code src} to layer {@code to} in {@code dst}. */
    public static void copyLayer(ComputationGraph src, ComputationGraph dst, String from, String to) {
        Layer a = layer(src, from);
        Layer b = layer(dst, to);
        Map<String, INDArray> source = a.paramTable();
        Map<String, INDArray> target = b.paramTable();
        if (!source.keySet().equals(target.keySet())) {
            throw new IllegalArgumentException("Layer '" + from + "' has parameters " + source.keySet() + " but '" + to
                    + "' has " + target.keySet() + ".");
        }
        for (Map.Entry<String, INDArray> e : target.entrySet()) {
            assign(e.getValue(), source.get(e.getKey()), from + " " + e.getKey());
        }
    }

    /** Copies the parameters of every layer that both graphs have under the same name; returns how many. */
    public static int copyCommonLayers(ComputationGraph src, ComputationGraph dst) {
        int n = 0;
        for (Layer l : dst.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            if (l.numParams() > 0 && src.getVertex(name) != null && src.getVertex(name).hasLayer()) {
                copyLayer(src, dst, name, name);
                n++;
            }
        }
        return n;
    }

    /** Assigns {@code value} to {@code target}, which must have the same shape. */
    public static void assign(INDArray target, INDArray value, String what) {
        requireSameShape(target, value, what);
        target.assign(value.castTo(target.dataType()));
    }

    /** Fails, naming both shapes, unless {@code value} can be assigned to {@code target}. */
    public static void requireSameShape(INDArray target, INDArray value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("No weights for " + what + ".");
        }
        if (!Arrays.equals(target.shape(), value.shape())) {
            throw new IllegalArgumentException("Weights for " + what + " have shape " + Arrays.toString(value.shape())
                    + " but the model expects " + Arrays.toString(target.shape()) + ".");
        }
    }

    private static Layer layer(ComputationGraph g, String name) {
        if (g.getVertex(name) == null || !g.getVertex(name).hasLayer()) {
            throw new IllegalArgumentException("The graph has no layer named '" + name + "'.");
        }
        return g.getLayer(name);
    }
}
