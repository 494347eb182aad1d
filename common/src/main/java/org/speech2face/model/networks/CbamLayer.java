package org.speech2face.model.networks;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.bool.BroadcastEqualTo;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The runtime {@link Cbam}: the same attention block written out with whole-batch ND4J operations, forward and
 * backward, instead of running its SameDiff definition (whose per-call overhead cost about 100 ms of the paper SE's
 * training step at batch 16). The SameDiff definition in {@link Cbam#defineLayer} stays the specification: tests
 * compare the two, and DL4J's gradient check runs on this one. Parameters and their flat views are DL4J's SameDiff
 * ones, so saved models are unchanged. The backward pass recomputes the (cheap) forward rather than caching it.
 */
final class CbamLayer extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {

    CbamLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private Cbam cbam() {
        return (Cbam) layerConf();
    }

    /** The forward pass with everything the backward pass reads. */
    private final class Pass {
        final INDArray x;
        final INDArray avg;
        final INDArray max;
        final INDArray preAvg;
        final INDArray preMax;
        final INDArray channelWeights;
        final INDArray refined;
        final INDArray channelMax;
        final INDArray pooled;
        final INDArray spatial;
        final INDArray out;

        Pass(INDArray x) {
            this.x = x;
            INDArray w1 = getParam(Cbam.MLP_W1);
            INDArray b1 = getParam(Cbam.MLP_B1);
            avg = x.mean(2, 3);
            max = x.max(2, 3);
            preAvg = avg.mmul(w1).addiRowVector(b1);
            preMax = max.mmul(w1).addiRowVector(b1);
            INDArray logits = mlpOut(Transforms.relu(preAvg, true)).addi(mlpOut(Transforms.relu(preMax, true)));
            channelWeights = Transforms.sigmoid(logits, false);
            refined = x.ulike();
            Nd4j.getExecutioner().exec(new BroadcastMulOp(x, channelWeights, refined, 0, 1));
            channelMax = refined.max(true, 1);
            pooled = Nd4j.concat(1, refined.mean(true, 1), channelMax);
            INDArray z = Nd4j.create(x.dataType(), x.size(0), 1, x.size(2), x.size(3));
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(pooled, getParam(Cbam.SPATIAL_W), getParam(Cbam.SPATIAL_B))
                    .addOutputs(z).addIntegerArguments(convArgs()).build());
            spatial = Transforms.sigmoid(z, false);
            out = x.ulike();
            Nd4j.getExecutioner().exec(new BroadcastMulOp(refined, spatialPlane(spatial), out, 0, 2, 3));
        }

        private INDArray mlpOut(INDArray hidden) {
            return hidden.mmul(getParam(Cbam.MLP_W2)).addiRowVector(getParam(Cbam.MLP_B2));
        }
    }

    private int[] convArgs() {
        int k = cbam().getSpatialKernel();
        return new int[] {k, k, 1, 1, k / 2, k / 2, 1, 1, 0, 0};
    }

    /** [N, 1, H, W] as [N, H, W], for broadcasting over channels. */
    private static INDArray spatialPlane(INDArray a) {
        return a.reshape(a.size(0), a.size(2), a.size(3));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, new Pass(input).out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Pass p = new Pass(input);
        DataType type = input.dataType();
        long channels = input.size(1);
        INDArray g = epsilon.castTo(type);

        // spatial attention: out = refined * sigmoid(conv(pooled))
        INDArray dRefined = g.ulike();
        Nd4j.getExecutioner().exec(new BroadcastMulOp(g, spatialPlane(p.spatial), dRefined, 0, 2, 3));
        INDArray dZ = g.mul(p.refined).sum(true, 1).muli(p.spatial).muli(p.spatial.rsub(1.0));
        INDArray dPooled = p.pooled.ulike();
        INDArray dSpatialW = gradTable.get(Cbam.SPATIAL_W);
        INDArray dSpatialB = gradTable.get(Cbam.SPATIAL_B);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                .addInputs(p.pooled, getParam(Cbam.SPATIAL_W), getParam(Cbam.SPATIAL_B), dZ)
                .addOutputs(dPooled, dSpatialW, dSpatialB).addIntegerArguments(convArgs()).build());
        INDArray dMean = dPooled.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all())
                .div(channels);
        INDArray dMax = dPooled.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 2), NDArrayIndex.all(), NDArrayIndex.all());
        Nd4j.getExecutioner().exec(new BroadcastAddOp(dRefined, spatialPlane(dMean.dup()), dRefined, 0, 2, 3));
        INDArray atMax = argmaxMask(p.refined, spatialPlane(p.channelMax.dup()), 0, 2, 3);
        Nd4j.getExecutioner().exec(new BroadcastMulOp(atMax, spatialPlane(dMax.dup()), atMax, 0, 2, 3));
        dRefined.addi(atMax);

        // channel attention: refined = x * sigmoid(mlp(avg(x)) + mlp(max(x)))
        INDArray dx = input.ulike();
        Nd4j.getExecutioner().exec(new BroadcastMulOp(dRefined, p.channelWeights, dx, 0, 1));
        INDArray dLogits = dRefined.mul(input).sum(2, 3).muli(p.channelWeights).muli(p.channelWeights.rsub(1.0));
        INDArray hAvg = Transforms.relu(p.preAvg, true);
        INDArray hMax = Transforms.relu(p.preMax, true);
        gradTable.get(Cbam.MLP_W2).assign(hAvg.addi(hMax).transpose().mmul(dLogits));
        gradTable.get(Cbam.MLP_B2).assign(dLogits.sum(true, 0).muli(2));
        INDArray w2t = getParam(Cbam.MLP_W2).transpose();
        INDArray dPreAvg = dLogits.mmul(w2t).muli(p.preAvg.gt(0).castTo(type));
        INDArray dPreMax = dLogits.mmul(w2t).muli(p.preMax.gt(0).castTo(type));
        gradTable.get(Cbam.MLP_W1).assign(p.avg.transpose().mmul(dPreAvg).addi(p.max.transpose().mmul(dPreMax)));
        gradTable.get(Cbam.MLP_B1).assign(dPreAvg.sum(true, 0).addi(dPreMax.sum(true, 0)));
        INDArray w1t = getParam(Cbam.MLP_W1).transpose();
        INDArray dAvg = dPreAvg.mmul(w1t).divi(input.size(2) * input.size(3));
        Nd4j.getExecutioner().exec(new BroadcastAddOp(dx, dAvg, dx, 0, 1));
        INDArray atSpatialMax = argmaxMask(input, p.max, 0, 1);
        Nd4j.getExecutioner().exec(new BroadcastMulOp(atSpatialMax, dPreMax.mmul(w1t), atSpatialMax, 0, 1));
        dx.addi(atSpatialMax);

        Gradient grad = new DefaultGradient();
        for (String k : paramTable.keySet()) {
            grad.gradientForVariable().put(k, gradTable.get(k));
        }
        return new Pair<>(grad, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, dx));
    }

    /** 1 where {@code a} equals its maximum (broadcast along {@code dims}), else 0: where a max-reduction's gradient goes. */
    private static INDArray argmaxMask(INDArray a, INDArray max, int... dims) {
        INDArray eq = Nd4j.create(DataType.BOOL, a.shape());
        Nd4j.getExecutioner().exec(new BroadcastEqualTo(a, max, eq, dims));
        return eq.castTo(a.dataType());
    }
}
