package org.speech2face.model.loss;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.speech2face.metrics.MsSsimSettings;

/**
 * The runtime {@link FaceImageLoss}: {@code alpha (1 - MS-SSIM) + (1 - alpha) mean|x' - x|} per image with
 * {@link PlainMsSsim}, instead of DL4J running the layer's SameDiff definition. As DL4J's SameDiff output layer
 * reports it, the score is the minibatch mean and the gradient that of the sum over the minibatch (the updater
 * divides by the minibatch size); the L1 term's gradient at x' = x is 0, as SameDiff's abs gives it.
 */
final class FaceImageLossLayer extends org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer {
    /** Images per MS-SSIM pass: at 224 px a pass keeps about 40 MB of maps per image. */
    static final int CHUNK = 4;
    private static final String WORKSPACE_ID = "S2F_IMAGE_LOSS";
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT).build();
    private INDArray labels;
    /**
     * The per-image losses of the last gradient pass, with the input and labels they were computed from: DL4J asks
     * for the score right after the backward pass of a training step, which would otherwise run MS-SSIM's forward
     * pass again on the same images. Input and labels are compared by identity only, never read.
     */
    private double[] lastLosses;
    private INDArray lastInput;
    private INDArray lastLabels;

    FaceImageLossLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private FaceImageLoss loss() {
        return (FaceImageLoss) layerConf();
    }

    private INDArray x() {
        assertInputSet(false);
        if (labels == null) {
            throw new IllegalStateException("The image loss needs the real faces as labels; none were set.");
        }
        return input;
    }

    /**
     * Per-image losses, [N]; with the gradient of their sum when {@code gradient}. MS-SSIM runs {@link #CHUNK}
     * images at a time in a workspace of its own, reused from chunk to chunk, so its maps (five scales of them,
     * kept for the backward pass) take a chunk's memory rather than the batch's; the workspace is given back after the
     * last chunk, since the rest of the backward pass, where the step's memory peaks, does not need it.
     */
    private Pair<INDArray, INDArray> pass(boolean gradient) {
        INDArray x = x();
        INDArray y = labels.castTo(x.dataType());
        double alpha = loss().getAlpha();
        long n = x.size(0);
        INDArray ms = Nd4j.create(x.dataType(), n);
        INDArray dMs = gradient ? Nd4j.create(x.dataType(), x.shape()) : null;
        MsSsimSettings settings = MsSsimSettings.paper(loss().getScales());
        for (long start = 0; start < n; start += CHUNK) {
            INDArrayIndex rows = NDArrayIndex.interval(start, Math.min(n, start + CHUNK));
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
                PlainMsSsim.Result r = PlainMsSsim.compute(x.get(rows, all(), all(), all()),
                        y.get(rows, all(), all(), all()), settings, gradient ? -alpha : 0);
                ms.get(rows).assign(r.perImage());
                if (gradient) {
                    dMs.get(rows, all(), all(), all()).assign(r.gradient());
                }
            }
        }
        releaseWorkspace();
        INDArray diff = x.sub(y);
        long perImage = x.length() / n;
        INDArray l1 = Transforms.abs(diff, true).reshape(n, perImage).mean(1);
        INDArray losses = ms.rsub(1.0).muli(alpha).addi(l1.muli(1 - alpha));
        if (!gradient) {
            return new Pair<>(losses, null);
        }
        lastLosses = losses.toDoubleVector();
        lastInput = input;
        lastLabels = labels;
        INDArray dx = Transforms.sign(diff, false).muli((1 - alpha) / perImage).addi(dMs);
        return new Pair<>(losses, dx);
    }

    /** Frees the MS-SSIM workspace's memory now and forgets it, so that the next pass starts a new one. */
    private static void releaseWorkspace() {
        MemoryWorkspace ws = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(WORKSPACE, WORKSPACE_ID);
        ws.destroyWorkspace(true);
        Nd4j.getWorkspaceManager().destroyWorkspace(ws);
    }

    /** Whether this thread holds an MS-SSIM workspace (for tests: none between passes). */
    static boolean holdsWorkspace() {
        return Nd4j.getWorkspaceManager().checkIfWorkspaceExists(WORKSPACE_ID);
    }

    private static INDArrayIndex all() {
        return NDArrayIndex.all();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, input);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray dx = pass(true).getSecond();
        return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, dx));
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        double sum;
        if (lastLosses != null && lastInput == x() && lastLabels == labels) {
            sum = java.util.Arrays.stream(lastLosses).sum();
        } else {
            sum = pass(false).getFirst().sumNumber().doubleValue();
        }
        return (sum + fullNetRegTerm) / x().size(0);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        lastLosses = null;
        super.setInput(input, workspaceMgr);
    }

    @Override
    public void clear() {
        lastLosses = null;
        lastInput = null;
        lastLabels = null;
        super.clear();
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        INDArray perImage = pass(false).getFirst().addi(fullNetRegTerm);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, perImage.reshape(perImage.length(), 1));
    }

    @Override
    public boolean needsLabels() {
        return true;
    }

    @Override
    public void setLabels(INDArray labels) {
        lastLosses = null;
        this.labels = labels;
    }

    @Override
    public INDArray getLabels() {
        return labels;
    }
}
