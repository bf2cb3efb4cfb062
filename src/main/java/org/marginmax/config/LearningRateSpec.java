package org.marginmax.config;

/**
 * The {@code train.lr:} section: which schedule and its parameters (protocol B, "Learning-rate schedules").
 *
 * @param schedule constant or loss-based
 * @param lr       constant: the real learning rate; loss-based: the initial rate in frame units (lr0)
 * @param alpha1   loss-based: growth factor after an accepted epoch (authors: 2^(1/5))
 * @param alpha2   loss-based: shrink factor after a rejected epoch (authors: 2^(1/10))
 * @param minLr    loss-based: the run stops when lr falls below this (authors: 1e-50)
 * @param maxLoss  a minibatch loss (frame units) above this, or NaN, abandons the epoch, which is then rejected
 *                 as in the authors' trainer (600 MNIST, 500 CIFAR)
 */
public record LearningRateSpec(String schedule, Double lr, Double alpha1, Double alpha2, Double minLr, Double maxLoss) {
    public static final String CONSTANT = "constant";
    public static final String LOSS_BASED = "loss-based";

    public LearningRateSpec {
        if (schedule == null) throw new IllegalArgumentException("train.lr.schedule is required (constant or loss-based)");
        if (!schedule.equals(CONSTANT) && !schedule.equals(LOSS_BASED))
            throw new IllegalArgumentException("unknown schedule '" + schedule + "' (use constant or loss-based)");
        if (lr == null) throw new IllegalArgumentException("train.lr.lr is required (e.g. 0.01 constant, 0.1 loss-based)");
        if (!(lr > 0)) throw new IllegalArgumentException("train.lr.lr must be positive, got " + lr);
        if (alpha1 == null) alpha1 = Math.pow(2, 1.0 / 5);
        if (alpha2 == null) alpha2 = Math.pow(2, 1.0 / 10);
        if (minLr == null) minLr = 1e-50;
        if (maxLoss == null) maxLoss = 600.0;
        if (!(alpha1 >= 1)) throw new IllegalArgumentException("train.lr.alpha1 must be >= 1, got " + alpha1);
        if (!(alpha2 > 1)) throw new IllegalArgumentException("train.lr.alpha2 must be > 1, got " + alpha2);
        if (!(maxLoss > 0)) throw new IllegalArgumentException("train.lr.max_loss must be positive, got " + maxLoss);
    }

    public boolean lossBased() { return schedule.equals(LOSS_BASED); }
}
