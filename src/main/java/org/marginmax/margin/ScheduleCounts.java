package org.marginmax.margin;

/**
 * What the learning-rate schedule has spent so far, for a metrics row: rejected epoch attempts ({@code rollbacks}),
 * all epoch attempts, accepted and rejected ({@code attempts}), and the minibatch SGD steps of all of them
 * ({@code sgdSteps}, null when unknown: a run resumed from a checkpoint written before it was counted).
 */
public record ScheduleCounts(int rollbacks, int attempts, Long sgdSteps) {
    /** Epoch 0 of a fresh run: nothing spent yet. */
    public static final ScheduleCounts NONE = new ScheduleCounts(0, 0, 0L);
}
