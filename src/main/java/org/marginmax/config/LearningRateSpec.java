package org.marginmax.config;

/**
 * The {@code train.lr:} section: which schedule and its parameters (protocol B, "Learning-rate schedules";
 * docs/SCHEDULES.md).
 *
 * @param schedule    constant, loss-based (the authors' rule) or predictive (the authors' rule, then the predicted edge)
 * @param lr          constant: the real learning rate; loss-based and predictive: the initial rate in frame units (lr0)
 * @param alpha1      loss-based, and predictive before its switch: growth factor after an accepted epoch (authors:
 *                    2^(1/5))
 * @param alpha2      loss-based, and predictive before its switch: shrink factor after a rejected epoch (authors:
 *                    2^(1/10))
 * @param minLr       loss-based and predictive: the run stops when lr falls below this (authors: 1e-50)
 * @param maxLoss     a minibatch loss (frame units) above this, or NaN, abandons the epoch, which is then rejected
 *                    as in the authors' trainer (600 MNIST, 500 CIFAR)
 * @param switchBelow predictive: log10 of the training loss under which lr = c·(q_s/q)^k takes over (default −2)
 * @param exponent    predictive: k (default 2: the edge falls like (ρ / (L·log(1/ℒ)))²)
 * @param growth      predictive, after the switch: c's growth after an accepted epoch (default 2^(1/25))
 * @param shrink      predictive, after the switch: c's shrink after a rejected epoch (default 2^(1/10))
 */
public record LearningRateSpec(String schedule, Double lr, Double alpha1, Double alpha2, Double minLr, Double maxLoss,
                               Double switchBelow, Double exponent, Double growth, Double shrink) {
    public static final String CONSTANT = "constant";
    public static final String LOSS_BASED = "loss-based";
    public static final String PREDICTIVE = "predictive";

    public LearningRateSpec(String schedule, Double lr, Double alpha1, Double alpha2, Double minLr, Double maxLoss) {
        this(schedule, lr, alpha1, alpha2, minLr, maxLoss, null, null, null, null);
    }

    public LearningRateSpec {
        if (schedule == null)
            throw new IllegalArgumentException("train.lr.schedule is required (constant, loss-based or predictive)");
        if (!schedule.equals(CONSTANT) && !schedule.equals(LOSS_BASED) && !schedule.equals(PREDICTIVE))
            throw new IllegalArgumentException("unknown schedule '" + schedule + "' (use constant, loss-based or predictive)");
        if (lr == null) throw new IllegalArgumentException("train.lr.lr is required (e.g. 0.01 constant, 0.1 loss-based)");
        if (!(lr > 0)) throw new IllegalArgumentException("train.lr.lr must be positive, got " + lr);
        if (alpha1 == null) alpha1 = Math.pow(2, 1.0 / 5);
        if (alpha2 == null) alpha2 = Math.pow(2, 1.0 / 10);
        if (minLr == null) minLr = 1e-50;
        if (maxLoss == null) maxLoss = 600.0;
        if (!(alpha1 >= 1)) throw new IllegalArgumentException("train.lr.alpha1 must be >= 1, got " + alpha1);
        if (!(alpha2 > 1)) throw new IllegalArgumentException("train.lr.alpha2 must be > 1, got " + alpha2);
        if (!(maxLoss > 0)) throw new IllegalArgumentException("train.lr.max_loss must be positive, got " + maxLoss);
        // the predictive keys stay null for the other schedules, so that their configs keep their hashes
        if (schedule.equals(PREDICTIVE)) {
            if (switchBelow == null) switchBelow = -2.0;
            if (exponent == null) exponent = 2.0;
            if (growth == null) growth = Math.pow(2, 1.0 / 25);
            if (shrink == null) shrink = Math.pow(2, 1.0 / 10);
            if (!(switchBelow < 0))
                throw new IllegalArgumentException("train.lr.switch_below must be a negative log10 loss (e.g. -2), got " + switchBelow);
            if (!(exponent >= 0)) throw new IllegalArgumentException("train.lr.exponent must be >= 0, got " + exponent);
            if (!(growth >= 1)) throw new IllegalArgumentException("train.lr.growth must be >= 1, got " + growth);
            if (!(shrink > 1)) throw new IllegalArgumentException("train.lr.shrink must be > 1, got " + shrink);
        } else if (switchBelow != null || exponent != null || growth != null || shrink != null) {
            throw new IllegalArgumentException("train.lr.switch_below, exponent, growth and shrink belong to the predictive"
                    + " schedule: remove them or set train.lr.schedule: predictive");
        }
    }

    /** Whether the schedule judges every epoch by the training loss (loss-based and predictive). */
    public boolean lossBased() { return !schedule.equals(CONSTANT); }

    public boolean predictive() { return schedule.equals(PREDICTIVE); }
}
