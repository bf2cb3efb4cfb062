package org.marginmax.train;

/**
 * A constant real learning rate. In frame units it is lr * exp(logFrame), so the real step stays lr whatever the
 * frame (protocol B). Every finite epoch is accepted; a NaN or infinite loss stops the run.
 */
public final class ConstantLearningRate implements LearningRateSchedule {
    private final double lr;
    private String stopReason = "";

    public ConstantLearningRate(double lr) { this.lr = lr; }

    @Override public double frameLearningRate(double logFrame) { return lr * Math.exp(logFrame); }

    @Override public Decision afterEpoch(double logFrameLoss) {
        if (Double.isFinite(logFrameLoss)) return Decision.ACCEPT;
        stopReason = "training diverged (loss " + (Double.isNaN(logFrameLoss) ? "NaN" : "too large")
                + ") with a constant learning rate of " + lr + ": lower train.lr.lr or use the loss-based schedule";
        return Decision.STOP;
    }

    @Override public boolean needsFullLoss() { return false; }

    @Override public String stopReason() { return stopReason; }
    @Override public double lr() { return lr; }
    @Override public void restore(double lr, double logFrame) { /* constant: nothing to restore */ }
}
