package org.marginmax.loss;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

/**
 * A margin loss as a DL4J loss function, computed in float64 whatever the network's data type and divided by
 * the frame e^{logFrame} (protocol B, "High-precision cross-entropy" and "The log-frame"): per-example values
 * are exp(log ℓ_n - logFrame), so they stay near 1 while the true loss is 1e-1000.
 *
 * <p>DL4J contract (checked in the M2.1 sources): the output layer calls computeScore with average=false and
 * divides by the minibatch size itself; computeGradient returns per-example gradients of the SUMMED loss and
 * the updater divides by the minibatch size. So a minibatch trains on the MEAN frame loss, as the authors do.
 *
 * <p>logFrame is trainer state: it is not part of the JSON configuration (a restored model starts at 0) and
 * is shared by clones of the configuration, which share this object.
 */
public abstract class FramedLoss implements ILossFunction, MarginLoss {

    /** When every margin term t of a batch is below this, softplus(t) is replaced by e^t, as the authors do. */
    public static final double EXPONENTIAL_BRANCH_BELOW = -30.0;

    private double logFrame;

    /** Σ_n frame loss of the last {@link #computeGradient} batch, kept for the output layer's score; see below. */
    @JsonIgnore
    private transient double gradientLossSum;
    @JsonIgnore
    private transient boolean gradientLossSumSet;

    /**
     * The labels of a minibatch as host ints, when the caller still holds them (the training iterator): on a GPU
     * this saves copying the label matrix back to the host every iteration. Returns null for an array it did not
     * make, and the labels are then read from the array.
     */
    @FunctionalInterface
    public interface HostLabels { int[] of(INDArray labels); }

    @JsonIgnore
    private transient HostLabels hostLabels;

    @JsonIgnore
    public void setHostLabels(HostLabels source) { this.hostLabels = source; }

    /**
     * A weight for every example of a minibatch, by its label array (identity): the training iterator's n/B for a
     * batch that kept n of its B rows ({@code train.skip_settled}), so that DL4J's division by the n rows gives the
     * B-row mean. 1 for any array it did not make.
     */
    @FunctionalInterface
    public interface RowWeight { double of(INDArray labels); }

    @JsonIgnore
    private transient RowWeight rowWeight;

    @JsonIgnore
    public void setRowWeight(RowWeight source) { this.rowWeight = source; }

    @JsonIgnore
    public double getLogFrame() { return logFrame; }

    @JsonIgnore
    public void setLogFrame(double logFrame) {
        if (Double.isNaN(logFrame) || Double.isInfinite(logFrame))
            throw new IllegalArgumentException("logFrame must be finite, got " + logFrame
                    + ": set it from the log of a positive, finite loss");
        this.logFrame = logFrame;
    }

    /**
     * Per-example frame losses ℓ_n / e^F into {@code loss}, and, if {@code grad} is not null, the gradient of
     * Σ_n ℓ_n / e^F with respect to the logits (row-major, same layout as {@code logits}).
     */
    protected abstract void frameLossAndGradient(double[] logits, int numOutputs, int[] labels, double logFrame,
                                                 double[] loss, double[] grad);

    /** Throws unless preOutput has the number of outputs this loss needs. */
    protected abstract void checkOutputs(long numOutputs);

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double[] loss = evaluate(labels, preOutput, activationFn, mask, false).loss;
        double sum = 0;
        for (double l : loss) sum += l;
        return average ? sum / loss.length : sum;
    }

    /** Per-example frame losses as a column [B,1] in preOutput's data type. */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[] loss = evaluate(labels, preOutput, activationFn, mask, false).loss;
        return Nd4j.create(loss, new long[] {loss.length, 1}, preOutput.dataType());
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Evaluation e = evaluate(labels, preOutput, activationFn, mask, true);
        double sum = 0;
        for (double l : e.loss) sum += l;
        gradientLossSum = sum;
        gradientLossSumSet = true;
        return e.gradient;
    }

    /**
     * The summed (masked) frame loss that the last {@link #computeGradient} call computed along with the gradient,
     * the value {@code computeScore(..., average=false)} returns for the same arguments; NaN if there was no call
     * since the last take. Lets an output layer score an iteration without a second pass over the margins.
     */
    public double takeGradientLossSum() {
        double s = gradientLossSumSet ? gradientLossSum : Double.NaN;
        gradientLossSumSet = false;
        return s;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask, boolean average) {
        Evaluation e = evaluate(labels, preOutput, activationFn, mask, true);
        double sum = 0;
        for (double l : e.loss) sum += l;
        return new Pair<>(average ? sum / e.loss.length : sum, e.gradient);
    }

    @Override
    public String name() { return getClass().getSimpleName(); }

    @Override
    public String toString() { return name() + "(logFrame=" + logFrame + ")"; }

    /** Equal when of the same class: logFrame is state, not configuration (DL4J compares configurations). */
    @Override
    public boolean equals(Object o) { return o != null && o.getClass() == getClass(); }

    @Override
    public int hashCode() { return Objects.hash(getClass().getName()); }

    private record Evaluation(double[] loss, INDArray gradient) {}

    private Evaluation evaluate(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                                boolean wantGradient) {
        if (preOutput.rank() != 2 || !labels.equalShapes(preOutput))
            throw new IllegalArgumentException(name() + ": labels " + java.util.Arrays.toString(labels.shape())
                    + " and preOutput " + java.util.Arrays.toString(preOutput.shape())
                    + " must both be [batch, outputs]");
        int batch = (int) preOutput.size(0);
        int outputs = (int) preOutput.size(1);
        checkOutputs(outputs);
        boolean identity = activationFn == null || activationFn instanceof ActivationIdentity;
        INDArray preOutput64 = preOutput.castTo(DataType.DOUBLE);
        INDArray logitsArr = identity ? preOutput64 : activationFn.getActivation(preOutput64.dup(), true);
        double[] logits = MarginLosses.rowMajor(logitsArr);
        int[] known = hostLabels == null ? null : hostLabels.of(labels);
        int[] labelInts = known != null && known.length == batch ? known : labelsOf(labels);

        double[] loss = new double[batch];
        double[] grad = wantGradient ? new double[logits.length] : null;
        frameLossAndGradient(logits, outputs, labelInts, logFrame, loss, grad);
        if (mask != null) applyMask(mask, batch, outputs, loss, grad);
        double w = rowWeight == null ? 1 : rowWeight.of(labels);
        if (w != 1) scale(w, loss, grad);
        if (!wantGradient) return new Evaluation(loss, null);

        long[] shape = {batch, outputs};
        INDArray gradient;
        if (identity) {
            gradient = Nd4j.create(grad, shape, preOutput.dataType());
        } else {
            INDArray dLda = Nd4j.create(grad, shape, DataType.DOUBLE);
            gradient = activationFn.backprop(preOutput64.dup(), dLda).getFirst().castTo(preOutput.dataType());
        }
        return new Evaluation(loss, gradient);
    }

    private static void scale(double w, double[] loss, double[] grad) {
        for (int i = 0; i < loss.length; i++) loss[i] *= w;
        if (grad != null) for (int i = 0; i < grad.length; i++) grad[i] *= w;
    }

    /** Per-example masks ([B], [B,1], or [B,outputs] constant along each row) scale an example's loss and gradient. */
    private void applyMask(INDArray mask, int batch, int outputs, double[] loss, double[] grad) {
        double[] m = MarginLosses.rowMajor(mask);
        boolean perExample = m.length == batch;
        if (!perExample && m.length == (long) batch * outputs) {
            perExample = true;
            for (int n = 0; n < batch && perExample; n++)
                for (int j = 1; j < outputs; j++)
                    if (m[n * outputs + j] != m[n * outputs]) { perExample = false; break; }
        }
        if (!perExample)
            throw new UnsupportedOperationException(name() + ": per-output masking is not supported;"
                    + " use a per-example mask [batch, 1]");
        int stride = m.length == batch ? 1 : outputs;
        for (int n = 0; n < batch; n++) {
            double w = m[n * stride];
            loss[n] = w == 0 ? 0 : loss[n] * w; // a masked-out example contributes nothing, even if infinite
            if (grad != null)
                for (int j = 0; j < outputs; j++) grad[n * outputs + j] = w == 0 ? 0 : grad[n * outputs + j] * w;
        }
    }
}
