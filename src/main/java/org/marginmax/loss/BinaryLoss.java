package org.marginmax.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A loss of the margin t = -y·f of one output unit, labels y = ±1 (protocol A, binary case). */
public abstract class BinaryLoss extends FramedLoss {

    /** log ℓ(t) as used in training (may switch to the exponential branch for the whole batch). */
    protected abstract double trainingLogLoss(double t, boolean exponentialBranch);

    /** log ℓ'(t) matching {@link #trainingLogLoss}. */
    protected abstract double trainingLogDerivative(double t, boolean exponentialBranch);

    @Override
    protected void checkOutputs(long numOutputs) {
        if (numOutputs != 1)
            throw new IllegalArgumentException(kind().key() + " loss needs one output unit, got " + numOutputs
                    + ": use cross-entropy for several classes");
    }

    @Override
    public int[] labelsOf(INDArray labels) {
        if (labels.length() != labels.size(0) || (labels.rank() == 2 && labels.size(1) != 1) || labels.rank() > 2)
            throw new IllegalArgumentException(kind().key() + " loss labels must be [batch, 1] holding -1 or +1, got shape "
                    + java.util.Arrays.toString(labels.shape()));
        double[] v = MarginLosses.rowMajor(labels);
        int[] out = new int[v.length];
        for (int n = 0; n < v.length; n++) {
            if (v[n] != 1.0 && v[n] != -1.0)
                throw new IllegalArgumentException(kind().key() + " loss label " + n + " is " + v[n]
                        + ": binary labels must be -1 or +1 (not 0/1)");
            out[n] = (int) v[n];
        }
        return out;
    }

    @Override
    public double margin(double[] logits, int offset, int numOutputs, int label) {
        checkOutputs(numOutputs);
        checkLabel(label);
        return label * logits[offset];
    }

    @Override
    protected void frameLossAndGradient(double[] logits, int numOutputs, int[] labels, double logFrame,
                                        double[] loss, double[] grad) {
        double maxT = Double.NEGATIVE_INFINITY;
        for (int n = 0; n < labels.length; n++) {
            checkLabel(labels[n]);
            maxT = Math.max(maxT, -labels[n] * logits[n]);
        }
        boolean exponentialBranch = maxT < EXPONENTIAL_BRANCH_BELOW;
        for (int n = 0; n < labels.length; n++) {
            double t = -labels[n] * logits[n];
            loss[n] = Math.exp(trainingLogLoss(t, exponentialBranch) - logFrame);
            // dℓ/df = ℓ'(t) · dt/df = -y ℓ'(t)
            if (grad != null) grad[n] = -labels[n] * Math.exp(trainingLogDerivative(t, exponentialBranch) - logFrame);
        }
    }

    static void checkLabel(int label) {
        if (label != 1 && label != -1)
            throw new IllegalArgumentException("binary label " + label + " must be -1 or +1");
    }
}
