package org.speech2face.model.layers;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * dL/dz of a layer from dL/d(activation) without z: ReLU's derivative is (z > 0), which is (relu(z) > 0), so the layer's
 * own output (kept in the activation workspace, which DL4J keeps until the backward pass is done) spares the second
 * forward pass DL4J runs to get z.
 */
final class ReluFromOutput {
    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    private ReluFromOutput() {
    }

    /** True for DL4J's ReLU with its defaults: max(0, z), nothing else. */
    static boolean isPlainRelu(IActivation fn) {
        return PLAIN_RELU.equals(fn);
    }

    /** The output to keep for {@link #preActivationGradient}: the output itself for a plain ReLU, else null. */
    static INDArray keep(IActivation fn, INDArray output) {
        return isPlainRelu(fn) ? output : null;
    }

    /**
     * dL/dz: epsilon itself for the identity, epsilon masked by the kept output for a plain ReLU; null for any other
     * activation, or when nothing of the right shape was kept (the caller then needs z).
     */
    static INDArray preActivationGradient(IActivation fn, INDArray kept, INDArray epsilon,
                                          LayerWorkspaceMgr workspaceMgr) {
        if (fn instanceof ActivationIdentity) {
            return epsilon;
        }
        if (kept == null || !java.util.Arrays.equals(kept.shape(), epsilon.shape())) {
            return null;
        }
        INDArray delta = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(),
                epsilon.shape(), 'c');
        mask(kept, epsilon, delta);
        return delta;
    }

    /**
     * {@code into} = {@code epsilon} where {@code output} > 0, else 0: ReLU's backward pass from its output, as two
     * vectorised passes (a step, then a product). libnd4j's relu_bp calls a {@code std::function} for every element;
     * on the SE's ReLUs (22 million values a step at batch 16) it took about 36 ms of the step. One difference: a
     * non-finite epsilon where the output is 0 gives NaN here (0 times it) where relu_bp gave 0; training that has
     * such gradients has diverged either way.
     */
    static void mask(INDArray output, INDArray epsilon, INDArray into) {
        Nd4j.exec(new Step(output, into, 0.0));
        into.muli(epsilon);
    }
}
