package org.speech2face.model.layers;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer whose weights are constants, for inside DL4J's {@code FrozenLayerWithBackprop} (VGGFace's
 * fc6 and fc7 in the decoder's training graph). DL4J's DenseLayer runs its forward product again and computes the
 * weight gradient for the wrapper to throw away; this one computes the input gradient alone, from the kept output
 * for a ReLU, and never writes its gradient view, whose memory {@link ZeroPages} gives back: fc6 alone is 103
 * million parameters, 0.41 GB of gradient. Same parameters, same layout and same forward pass as DenseLayer.
 */
public class FrozenDense extends DenseLayer {

    /** For Jackson. */
    public FrozenDense() {
    }

    /** The frozen form of {@code layer}: every setting copied, from the DL4J classes that declare them. */
    public static FrozenDense of(DenseLayer layer) {
        FrozenDense frozen = new FrozenDense();
        for (Class<?> c = DenseLayer.class; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    try {
                        f.setAccessible(true);
                        f.set(frozen, f.get(layer));
                    } catch (IllegalAccessException | RuntimeException e) {
                        throw new IllegalStateException("Could not copy " + c.getSimpleName() + "." + f.getName()
                                + " into a frozen dense layer.", e);
                    }
                }
            }
        }
        return frozen;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int index, INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        LayerValidation.assertNInNOutSet("FrozenDense", getLayerName(), index, getNIn(), getNOut());
        return RuntimeLayers.wire(new Runtime(conf, dataType), conf, listeners, index, paramsView, initializeParams,
                initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrozenDense && super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode() ^ FrozenDense.class.hashCode();
    }

    /** DL4J's dense runtime with the input gradient alone as its backward pass. */
    static final class Runtime extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer {
        /** This layer's output from the last forward pass, kept when the activation is a plain ReLU. */
        private INDArray reluOutput;

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray out = super.activate(training, workspaceMgr);
            // relu'(z) = (relu(z) > 0); the output lives in the activation workspace until the backward pass is done
            reluOutput = ReluFromOutput.keep(layerConf().getActivationFn(), out);
            return out;
        }

        @Override
        public void clear() {
            super.clear();
            reluOutput = null;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            INDArray delta = ReluFromOutput.preActivationGradient(layerConf().getActivationFn(), reluOutput, epsilon,
                    workspaceMgr);
            if (delta == null) {
                INDArray z = preOutput(true, workspaceMgr);
                delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
            }
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr); // [nIn, nOut]
            INDArray inputGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                    new long[] {delta.size(0), w.size(0)}, 'c');
            Nd4j.gemm(delta, w, inputGrad, false, true, 1.0, 0.0);
            weightNoiseParams.clear();
            return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(inputGrad));
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray gradients) {
            super.setBackpropGradientsViewArray(gradients);
            ZeroPages.release(gradients);
        }

        /**
         * None: the gradient is zero for good. DL4J's FrozenLayerWithBackprop zeroes the view it gets here after
         * every backward pass, which would make its memory resident again.
         */
        @Override
        public INDArray getGradientsViewArray() {
            return null;
        }

        /** Nothing to divide: the updater would otherwise write the zeros back (and the memory with them). */
        @Override
        public boolean updaterDivideByMinibatch(String paramName) {
            return false;
        }
    }
}
