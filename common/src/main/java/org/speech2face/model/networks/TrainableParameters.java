package org.speech2face.model.networks;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.FrozenVertex;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Where a training graph's trainable and frozen parameters lie in its flattened parameter vector, and the two parts
 * taken apart and put back together. Parameter averaging needs to move only the trainable part: the frozen
 * VGGFace in the face decoder's loss is about 0.5 GB of the paper-size decoder's 0.76 GB, and the tri-item loss's
 * frozen DFc1 and VFc3 are most of the speech encoder's, and none of them ever changes.
 *
 * <p>The layout follows {@link ComputationGraph#init()}: each vertex's parameters are the next {@code numParams}
 * of the vector, vertices in topological order. A vertex is frozen when it is a {@link FrozenVertex}, its layer is a
 * {@link FrozenLayer} or {@link FrozenLayerWithBackprop}, or every parameter of it is held still by a zero-rate SGD
 * without regularisation (the tri-item loss's layers); adjacent vertices of one kind make one range.
 */
public final class TrainableParameters implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Ranges [start, end) of the trainable parameters, then of the frozen ones, in vector order. */
    private final long[][] trainable;
    private final long[][] frozen;
    private final long total;

    private TrainableParameters(List<long[]> trainable, List<long[]> frozen, long total) {
        this.trainable = trainable.toArray(new long[0][]);
        this.frozen = frozen.toArray(new long[0][]);
        this.total = total;
    }

    /** The layout of {@code graph}'s parameters (the graph must be initialised). */
    public static TrainableParameters of(ComputationGraph graph) {
        List<long[]> trainable = new ArrayList<>();
        List<long[]> frozen = new ArrayList<>();
        GraphVertex[] vertices = graph.getVertices();
        long offset = 0;
        for (int index : graph.topologicalSortOrder()) {
            GraphVertex v = vertices[index];
            long n = v.numParams();
            if (n > 0) {
                add(isFrozen(v) ? frozen : trainable, offset, offset + n);
            }
            offset += n;
        }
        if (offset != graph.numParams()) {
            throw new IllegalStateException("The graph's vertices hold " + offset + " parameters but the graph counts "
                    + graph.numParams() + "; its parameter layout is not the one ComputationGraph.init() makes.");
        }
        return new TrainableParameters(trainable, frozen, offset);
    }

    private static boolean isFrozen(GraphVertex v) {
        return v instanceof FrozenVertex || v.hasLayer() && (v.getLayer() instanceof FrozenLayer
                || v.getLayer() instanceof FrozenLayerWithBackprop || heldStill(v));
    }

    /**
     * Whether every parameter of the vertex has a zero-rate SGD updater and no regularisation, and so never changes
     * (the tri-item loss's DFc1 and VFc3; DL4J's NoOp would apply the raw gradient).
     */
    private static boolean heldStill(GraphVertex v) {
        Layer conf = v.getLayer().conf().getLayer();
        for (String param : v.paramTable(false).keySet()) {
            if (!(conf.getUpdaterByParam(param) instanceof Sgd sgd && sgd.getLearningRate() == 0.0
                    && sgd.getLearningRateSchedule() == null)) {
                return false;
            }
            List<Regularization> r = conf.getRegularizationByParam(param);
            if (r != null && !r.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static void add(List<long[]> ranges, long start, long end) {
        long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
        if (last != null && last[1] == start) {
            last[1] = end;
        } else {
            ranges.add(new long[] {start, end});
        }
    }

    /** Parameters in the whole vector. */
    public long total() {
        return total;
    }

    /** Trainable parameters. */
    public long trainable() {
        return count(trainable);
    }

    /** Frozen parameters. */
    public long frozen() {
        return count(frozen);
    }

    private static long count(long[][] ranges) {
        long n = 0;
        for (long[] r : ranges) {
            n += r[1] - r[0];
        }
        return n;
    }

    /** A new vector of {@code params}' trainable values, in vector order. */
    public INDArray trainableOf(INDArray params) {
        return gather(params, trainable);
    }

    /** A new vector of {@code params}' frozen values, in vector order; null when nothing is frozen. */
    public INDArray frozenOf(INDArray params) {
        return frozen.length == 0 ? null : gather(params, frozen);
    }

    /** A new whole vector from its two parts ({@code frozenPart} null when nothing is frozen). */
    public INDArray assemble(INDArray trainablePart, INDArray frozenPart) {
        INDArray out = Nd4j.createUninitialized(trainablePart.dataType(), total);
        scatter(trainablePart, trainable, out);
        if (frozen.length > 0) {
            if (frozenPart == null) {
                throw new IllegalArgumentException("The graph has " + frozen() + " frozen parameters but none were given.");
            }
            scatter(frozenPart, frozen, out);
        }
        Nd4j.getExecutioner().commit(); // a CUDA backend queues the copies
        return out;
    }

    /** Writes {@code trainablePart} over the trainable values of {@code params}, in place; frozen values stay. */
    public void setTrainable(INDArray params, INDArray trainablePart) {
        scatter(trainablePart, trainable, params);
        Nd4j.getExecutioner().commit();
    }

    private INDArray gather(INDArray params, long[][] ranges) {
        checkWhole(params);
        INDArray whole = params.rank() == 1 ? params : params.reshape(total);
        INDArray out = Nd4j.createUninitialized(params.dataType(), count(ranges));
        long at = 0;
        for (long[] r : ranges) {
            long n = r[1] - r[0];
            out.get(NDArrayIndex.interval(at, at + n)).assign(whole.get(NDArrayIndex.interval(r[0], r[1])));
            at += n;
        }
        return out;
    }

    private void scatter(INDArray part, long[][] ranges, INDArray params) {
        checkWhole(params);
        long expected = count(ranges);
        if (part.length() != expected) {
            throw new IllegalArgumentException("Expected " + expected + " parameters for this part of the graph, got "
                    + part.length() + ".");
        }
        INDArray whole = params.rank() == 1 ? params : params.reshape(total); // a view of a contiguous vector
        INDArray from = part.reshape(expected);
        long at = 0;
        for (long[] r : ranges) {
            long n = r[1] - r[0];
            whole.get(NDArrayIndex.interval(r[0], r[1])).assign(from.get(NDArrayIndex.interval(at, at + n)));
            at += n;
        }
    }

    private void checkWhole(INDArray params) {
        if (params.length() != total) {
            throw new IllegalArgumentException("Expected the graph's whole parameter vector of " + total
                    + " values, got " + params.length() + ".");
        }
    }
}
