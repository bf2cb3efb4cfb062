package org.marginmax.train;

/**
 * The authors' loss-based schedule (LossBasedLRv1, protocol B): the real rate is lr / (current loss), i.e. lr in
 * frame units. After an epoch whose full-training-set frame loss is at most 1 the epoch is accepted and
 * lr grows by alpha1; otherwise (larger, NaN or infinite) it is rejected, lr shrinks by alpha2, and the trainer
 * restores the previous parameters and re-runs the epoch. The run stops when lr falls under minLr.
 */
public final class LossBasedLearningRate implements LearningRateSchedule {
    private final double alpha1;
    private final double alpha2;
    private final double minLr;
    private double lr;
    private String stopReason = "";

    public LossBasedLearningRate(double lr0, double alpha1, double alpha2, double minLr) {
        this.lr = lr0;
        this.alpha1 = alpha1;
        this.alpha2 = alpha2;
        this.minLr = minLr;
    }

    @Override public double frameLearningRate(double logFrame) { return lr; }

    @Override public Decision afterEpoch(double logFrameLoss) {
        if (logFrameLoss <= 0) {
            lr *= alpha1;
            return Decision.ACCEPT;
        }
        lr /= alpha2;
        if (lr < minLr) {
            stopReason = "the loss-based learning rate fell to " + lr + " < min_lr " + minLr
                    + " without reducing the loss: the run cannot make progress";
            return Decision.STOP;
        }
        return Decision.REJECT;
    }

    @Override public boolean needsFullLoss() { return true; }

    @Override public String stopReason() { return stopReason; }
    @Override public double lr() { return lr; }
    @Override public void restore(double lr, double logFrame) { this.lr = lr; }
}
