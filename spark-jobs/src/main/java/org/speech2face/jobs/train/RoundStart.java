package org.speech2face.jobs.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an averaging round broadcasts to its workers: the graph's configuration, the trainable parameters and Adam's
 * state ({@link PackedArray}s). Each worker gets a copy of the configuration with the driver's iteration and epoch
 * counts. DL4J's own worker uses {@code ComputationGraphConfiguration.clone()}, which sets both to 0: every round
 * its workers restarted Adam's bias correction at step 1 (with beta1 0.5, beta2 0.999 and the averaged moments, steps
 * 1-5 come out 14-17 times too small) and applied the learning rate of epoch 0, so the paper's decay never reached
 * them.
 */
final class RoundStart implements KryoSerializable, Serializable {
    private static final long serialVersionUID = 1L;

    private ComputationGraphConfiguration configuration;
    private PackedArray trainable;
    private PackedArray updaterState;

    RoundStart(ComputationGraphConfiguration configuration, INDArray trainable, INDArray updaterState) {
        this.configuration = configuration;
        this.trainable = new PackedArray(trainable);
        this.updaterState = new PackedArray(updaterState);
    }

    /**
     * A configuration of the worker's own (each advances its iteration count), counting iterations and epochs from
     * where the driver's graph is: Adam's bias correction and the learning-rate schedule read them.
     */
    ComputationGraphConfiguration configuration() {
        ComputationGraphConfiguration copy = configuration.clone();
        copy.setIterationCount(configuration.getIterationCount());
        copy.setEpochCount(configuration.getEpochCount());
        return copy;
    }

    INDArray trainable() {
        return trainable.get();
    }

    /** Adam's state; null for an updater without state. */
    INDArray updaterState() {
        return updaterState.get();
    }

    @Override
    public void write(Kryo kryo, Output output) {
        kryo.writeClassAndObject(output, configuration);
        trainable.write(kryo, output);
        updaterState.write(kryo, output);
    }

    @Override
    public void read(Kryo kryo, Input input) {
        configuration = (ComputationGraphConfiguration) kryo.readClassAndObject(input);
        trainable = new PackedArray(null);
        trainable.read(kryo, input);
        updaterState = new PackedArray(null);
        updaterState.read(kryo, input);
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.writeObject(configuration);
        out.writeObject(trainable);
        out.writeObject(updaterState);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        configuration = (ComputationGraphConfiguration) in.readObject();
        trainable = (PackedArray) in.readObject();
        updaterState = (PackedArray) in.readObject();
    }
}
