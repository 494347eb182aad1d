package org.speech2face.jobs.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sum of some workers' results of an averaging round, as DL4J's aggregation tuple adds them (parameters, Adam's
 * state, scores, the training-UI reports), with the highest iteration count a worker reached, folded on the
 * executors and sent to the driver with its arrays as {@link PackedArray}s. {@link #add} and {@link #merge} add into their first argument's arrays, as DL4J's do.
 */
final class RoundSum implements KryoSerializable, Serializable {
    private static final long serialVersionUID = 1L;

    private PackedArray parameters;
    private PackedArray updaterState;
    private double score;
    private int workers;
    private int iterations = -1;
    private ArrayList<StorageMetaData> listenerMetaData = new ArrayList<>();
    private ArrayList<Persistable> listenerStaticInfo = new ArrayList<>();
    private ArrayList<Persistable> listenerUpdates = new ArrayList<>();

    private RoundSum() {
    }

    /** {@code sum} (null for none yet) plus one worker's result; a worker that had no examples adds nothing. */
    static RoundSum add(RoundSum sum, ParameterAveragingTrainingResult r) {
        if (r.getParameters() == null) {
            return sum;
        }
        RoundSum one = new RoundSum();
        one.parameters = new PackedArray(r.getParameters());
        one.updaterState = new PackedArray(r.getUpdaterState());
        one.score = r.getScore();
        one.workers = 1;
        one.iterations = r instanceof TrainableAveragingWorker.WorkerResult w ? w.iterations() : -1;
        addAll(one.listenerMetaData, r.getListenerMetaData());
        addAll(one.listenerStaticInfo, r.getListenerStaticInfo());
        addAll(one.listenerUpdates, r.getListenerUpdates());
        return merge(sum, one);
    }

    /** The sum of two sums, either of them null for none. */
    static RoundSum merge(RoundSum a, RoundSum b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        a.parameters.get().addi(b.parameters.get());
        if (a.updaterState.get() != null) {
            a.updaterState.get().addi(b.updaterState.get());
        }
        a.score += b.score;
        a.workers += b.workers;
        a.iterations = Math.max(a.iterations, b.iterations);
        a.listenerMetaData.addAll(b.listenerMetaData);
        a.listenerStaticInfo.addAll(b.listenerStaticInfo);
        a.listenerUpdates.addAll(b.listenerUpdates);
        return a;
    }

    private static <T> void addAll(List<T> to, Collection<? extends T> from) {
        if (from != null) {
            to.addAll(from);
        }
    }

    INDArray parameters() {
        return parameters.get();
    }

    /** Null for an updater without state. */
    INDArray updaterState() {
        return updaterState.get();
    }

    double score() {
        return score;
    }

    int workers() {
        return workers;
    }

    /** The highest iteration count a worker's graph reached; -1 when no worker said. */
    int iterations() {
        return iterations;
    }

    List<StorageMetaData> listenerMetaData() {
        return listenerMetaData;
    }

    List<Persistable> listenerStaticInfo() {
        return listenerStaticInfo;
    }

    List<Persistable> listenerUpdates() {
        return listenerUpdates;
    }

    @Override
    public void write(Kryo kryo, Output output) {
        parameters.write(kryo, output);
        updaterState.write(kryo, output);
        output.writeDouble(score);
        output.writeInt(workers);
        output.writeInt(iterations);
        kryo.writeClassAndObject(output, listenerMetaData);
        kryo.writeClassAndObject(output, listenerStaticInfo);
        kryo.writeClassAndObject(output, listenerUpdates);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void read(Kryo kryo, Input input) {
        parameters = new PackedArray(null);
        parameters.read(kryo, input);
        updaterState = new PackedArray(null);
        updaterState.read(kryo, input);
        score = input.readDouble();
        workers = input.readInt();
        iterations = input.readInt();
        listenerMetaData = (ArrayList<StorageMetaData>) kryo.readClassAndObject(input);
        listenerStaticInfo = (ArrayList<Persistable>) kryo.readClassAndObject(input);
        listenerUpdates = (ArrayList<Persistable>) kryo.readClassAndObject(input);
    }
}
