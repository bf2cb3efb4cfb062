package org.marginmax.loss;

/** Binary exponential loss ℓ(q) = e^{-q}, q = y·f (protocol A). */
public final class ExponentialLoss extends BinaryLoss {

    public ExponentialLoss() {}

    @Override
    public LossKind kind() { return LossKind.EXPONENTIAL; }

    @Override
    public double logLoss(double[] logits, int offset, int numOutputs, int label) {
        return -margin(logits, offset, numOutputs, label);
    }

    @Override
    public double smoothedMarginNumerator(double logTotalLoss) {
        return Smoothing.exponential(logTotalLoss);
    }

    @Override
    protected double trainingLogLoss(double t, boolean exponentialBranch) { return t; }

    @Override
    protected double trainingLogDerivative(double t, boolean exponentialBranch) { return t; }
}
