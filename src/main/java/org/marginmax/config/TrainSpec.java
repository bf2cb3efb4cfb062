package org.marginmax.config;

/**
 * The {@code train:} section.
 *
 * @param epochs     number of accepted epochs to run
 * @param batchSize  minibatch size (authors: 100); each epoch runs N / batchSize full batches
 * @param lr         learning-rate schedule
 * @param statsEvery compute the full-set statistics every k epochs: the constant schedule, and the predictive one
 *                   after its switch (it judges the epochs between by their mean minibatch loss); the loss-based
 *                   rule needs them every epoch for its go/back decision
 * @param alignmentEvery the metrics column {@code alignment} = cos(θ, −∇ℒ) every k epochs (default 10, 0 = off;
 *                   kept null at the default, so that configs without the key keep their hashes)
 * @param skipSettled leave out of the SGD steps the examples that together carry at most this share of the training
 *                   loss at the last statistics pass (0 = off, the default; at most 2^−24; docs/SCHEDULES.md,
 *                   "Settled examples"); null at the default, for the same reason
 */
public record TrainSpec(Integer epochs, Integer batchSize, LearningRateSpec lr, Integer statsEvery,
                        Integer alignmentEvery, Double skipSettled) {
    public static final int DEFAULT_ALIGNMENT_EVERY = 10;
    /** The largest {@code skip_settled}: float32's unit roundoff, 2^−24. */
    public static final double MAX_SKIP_SETTLED = 0x1p-24;

    public TrainSpec(Integer epochs, Integer batchSize, LearningRateSpec lr, Integer statsEvery) {
        this(epochs, batchSize, lr, statsEvery, null, null);
    }

    public TrainSpec(Integer epochs, Integer batchSize, LearningRateSpec lr, Integer statsEvery,
                     Integer alignmentEvery) {
        this(epochs, batchSize, lr, statsEvery, alignmentEvery, null);
    }

    /** The share of the loss whose examples may be left out of the SGD steps; 0 for none. */
    public double settledShare() { return skipSettled == null ? 0 : skipSettled; }

    /** Epochs between alignment measurements; 0 for none. */
    public int alignmentPeriod() { return alignmentEvery == null ? DEFAULT_ALIGNMENT_EVERY : alignmentEvery; }

    public TrainSpec {
        if (alignmentEvery != null && alignmentEvery < 0)
            throw new IllegalArgumentException("train.alignment_every must be >= 0 (0 = off), got " + alignmentEvery);
        if (alignmentEvery != null && alignmentEvery == DEFAULT_ALIGNMENT_EVERY) alignmentEvery = null;
        if (skipSettled != null && !(skipSettled >= 0 && skipSettled <= MAX_SKIP_SETTLED))
            throw new IllegalArgumentException("train.skip_settled must be between 0 (off) and 2^-24 = 5.96e-8 (a share of"
                    + " the loss below float32 resolution), got " + skipSettled);
        if (skipSettled != null && skipSettled == 0) skipSettled = null;
        if (epochs == null) throw new IllegalArgumentException("train.epochs is required");
        if (epochs < 0) throw new IllegalArgumentException("train.epochs must be >= 0, got " + epochs);
        if (batchSize == null) batchSize = 100;
        if (batchSize <= 0) throw new IllegalArgumentException("train.batch_size must be positive, got " + batchSize);
        if (lr == null) throw new IllegalArgumentException("train.lr is required (schedule and lr)");
        if (statsEvery == null) statsEvery = 1;
        if (statsEvery <= 0) throw new IllegalArgumentException("train.stats_every must be positive, got " + statsEvery);
        if (statsEvery > 1 && lr.schedule().equals(LearningRateSpec.LOSS_BASED))
            throw new IllegalArgumentException("train.stats_every must be 1 with the " + lr.schedule()
                    + " schedule (it judges every epoch by the full training set): use the predictive schedule to thin them");
    }
}
