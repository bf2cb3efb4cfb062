package org.marginmax.loss;

/** Binary logistic loss ℓ(q) = log(1 + e^{-q}), q = y·f (protocol A). */
public final class LogisticLoss extends BinaryLoss {

    public LogisticLoss() {}

    @Override
    public LossKind kind() { return LossKind.LOGISTIC; }

    @Override
    public double logLoss(double[] logits, int offset, int numOutputs, int label) {
        return LogSpace.logSoftplus(-margin(logits, offset, numOutputs, label));
    }

    @Override
    public double smoothedMarginNumerator(double logTotalLoss) {
        return Smoothing.logistic(logTotalLoss);
    }

    @Override
    protected double trainingLogLoss(double t, boolean exponentialBranch) {
        return exponentialBranch ? t : LogSpace.logSoftplus(t);
    }

    /** softplus'(t) = sigmoid(t); e^t in the exponential branch. */
    @Override
    protected double trainingLogDerivative(double t, boolean exponentialBranch) {
        return exponentialBranch ? t : LogSpace.logSigmoid(t);
    }
}
