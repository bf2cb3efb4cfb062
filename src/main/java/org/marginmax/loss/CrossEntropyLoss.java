package org.marginmax.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multi-class cross-entropy on logits f (protocol A): ℓ_n = softplus(t_n), t_n = log Σ_{j≠y} e^{f_j - f_y}.
 * Labels one-hot [B,C], C ≥ 2, identity output activation.
 */
public final class CrossEntropyLoss extends FramedLoss {

    public CrossEntropyLoss() {}

    @Override
    public LossKind kind() { return LossKind.CROSS_ENTROPY; }

    @Override
    protected void checkOutputs(long numOutputs) {
        if (numOutputs < 2)
            throw new IllegalArgumentException("cross-entropy needs at least 2 outputs, got " + numOutputs
                    + ": use the logistic or exponential loss for one output unit");
    }

    @Override
    public int[] labelsOf(INDArray labels) {
        if (labels.rank() != 2 || labels.size(1) < 2)
            throw new IllegalArgumentException("cross-entropy labels must be one-hot [batch, classes], got shape "
                    + java.util.Arrays.toString(labels.shape()));
        int batch = (int) labels.size(0);
        int classes = (int) labels.size(1);
        double[] v = MarginLosses.rowMajor(labels);
        int[] out = new int[batch];
        for (int n = 0; n < batch; n++) {
            int hot = -1;
            for (int j = 0; j < classes; j++) {
                double x = v[n * classes + j];
                if (x == 1.0 && hot < 0) hot = j;
                else if (x != 0.0) { hot = -2; break; }
            }
            if (hot < 0)
                throw new IllegalArgumentException("cross-entropy label row " + n
                        + " is not one-hot: give exactly one 1 and zeros elsewhere per row");
            out[n] = hot;
        }
        return out;
    }

    /** t = log Σ_{j≠y} e^{f_j - f_y}, the margin term of example n. */
    static double wrongLogSumExp(double[] logits, int offset, int numOutputs, int label) {
        double fy = logits[offset + label];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < numOutputs; j++) if (j != label && logits[offset + j] > max) max = logits[offset + j];
        double sum = 0;
        for (int j = 0; j < numOutputs; j++) if (j != label) sum += Math.exp(logits[offset + j] - max);
        return (max - fy) + Math.log(sum);
    }

    @Override
    public double margin(double[] logits, int offset, int numOutputs, int label) {
        checkLabel(label, numOutputs);
        double fy = logits[offset + label];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < numOutputs; j++) if (j != label && logits[offset + j] > max) max = logits[offset + j];
        return fy - max;
    }

    @Override
    public double logLoss(double[] logits, int offset, int numOutputs, int label) {
        checkLabel(label, numOutputs);
        return LogSpace.logSoftplus(wrongLogSumExp(logits, offset, numOutputs, label));
    }

    @Override
    public double smoothedMarginNumerator(double logTotalLoss) {
        return Smoothing.logistic(logTotalLoss);
    }

    /*
     * dℓ/dt · ∂t/∂f_j = ℓ'(t) e^{f_j - f_y - t} for j ≠ y, and ∂ℓ/∂f_y = -Σ_{j≠y} ∂ℓ/∂f_j.
     * softplus: ℓ'(t) e^{-t} = e^{-softplus(t)} (this is softmax_j); exponential branch (ℓ = e^t): 1.
     */
    @Override
    protected void frameLossAndGradient(double[] logits, int numOutputs, int[] labels, double logFrame,
                                        double[] loss, double[] grad) {
        int batch = labels.length;
        double[] t = new double[batch];
        double maxT = Double.NEGATIVE_INFINITY;
        for (int n = 0; n < batch; n++) {
            checkLabel(labels[n], numOutputs);
            t[n] = wrongLogSumExp(logits, n * numOutputs, numOutputs, labels[n]);
            maxT = Math.max(maxT, t[n]);
        }
        boolean exponentialBranch = maxT < EXPONENTIAL_BRANCH_BELOW;
        for (int n = 0; n < batch; n++) {
            double logLoss = exponentialBranch ? t[n] : LogSpace.logSoftplus(t[n]);
            loss[n] = Math.exp(logLoss - logFrame);
            if (grad == null) continue;
            int o = n * numOutputs;
            int y = labels[n];
            double shift = -logits[o + y] - logFrame - (exponentialBranch ? 0 : LogSpace.log1pExp(t[n]));
            double sum = 0;
            for (int j = 0; j < numOutputs; j++) {
                if (j == y) continue;
                double g = Math.exp(logits[o + j] + shift);
                grad[o + j] = g;
                sum += g;
            }
            grad[o + y] = -sum;
        }
    }

    private static void checkLabel(int label, int numOutputs) {
        if (label < 0 || label >= numOutputs)
            throw new IllegalArgumentException("cross-entropy label " + label + " is outside [0, " + numOutputs
                    + "): labels are class indices");
    }
}
