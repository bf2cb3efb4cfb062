package org.marginmax.train;
import org.marginmax.config.CheckpointSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides after each accepted epoch whether to checkpoint and why: listed epochs, every k, log-loss milestones (the
 * authors' LogLossArchiver), a rolling checkpoint at least every N epochs or M minutes, the final epoch, a stop
 * signal. The initial model (epoch 0) is always saved.
 */
public final class CheckpointPolicy {
    private final CheckpointSpec spec;
    private final int epochs;
    private final int statsEvery;
    private int lastSavedEpoch = -1;
    private long lastSavedNanos = System.nanoTime();
    private int milestone;

    /**
     * {@code statsEvery}: the run's statistics grid ({@code train.stats_every}; 1 when every epoch is measured). A
     * rolling checkpoint falls due on that grid, whose epochs are measured anyway, rather than forcing a statistics
     * pass of its own between them.
     */
    public CheckpointPolicy(CheckpointSpec spec, int epochs, int statsEvery) {
        if (statsEvery < 1) throw new IllegalArgumentException("statsEvery must be >= 1, got " + statsEvery);
        this.spec = spec;
        this.epochs = epochs;
        this.statsEvery = statsEvery;
    }

    public void restore(int lastSavedEpoch, int milestone) {
        this.lastSavedEpoch = lastSavedEpoch;
        this.milestone = milestone;
        this.lastSavedNanos = System.nanoTime();
    }

    /** The number of milestone steps the loss has passed (log10 loss <= -milestone * step). */
    public int milestone() { return milestone; }

    /**
     * Whether epoch {@code epoch} may be checkpointed, so needs its statistics. {@code estimatedLog10Loss} is the
     * trainer's estimate of the loss so far (NaN if it has none): with it a log-loss milestone is measured at the first
     * epoch after the estimate crosses it, without it every epoch is.
     */
    public boolean wantsStatistics(int epoch, double estimatedLog10Loss) {
        return spec.epochs().contains(epoch) || (spec.every() != null && epoch % spec.every() == 0)
                || spec.logLossStep() != null && (Double.isNaN(estimatedLog10Loss)
                        || Math.floor(-estimatedLog10Loss / spec.logLossStep()) > milestone)
                || epoch % statsEvery == 0 && epoch - lastSavedEpoch >= spec.rollingEpochs();
    }

    public List<String> reasons(int epoch, double log10Loss, boolean stopping) {
        List<String> r = new ArrayList<>();
        if (epoch == 0) r.add("initial");
        if (spec.epochs().contains(epoch)) r.add("listed");
        if (spec.every() != null && epoch > 0 && epoch % spec.every() == 0) r.add("every-" + spec.every());
        if (spec.logLossStep() != null && Double.isFinite(log10Loss)) {
            int reached = (int) Math.floor(-log10Loss / spec.logLossStep());
            if (reached > milestone) {
                milestone = reached;
                r.add("log10-loss<=" + formatStep(-reached * spec.logLossStep()));
            }
        }
        if (epoch == epochs && epoch > 0) r.add("final");
        if (stopping) r.add("stop");
        if (r.isEmpty() && (epoch - lastSavedEpoch >= spec.rollingEpochs()
                || (System.nanoTime() - lastSavedNanos) / 60e9 >= spec.rollingMinutes())) r.add("rolling");
        return r;
    }

    public void saved(int epoch) {
        lastSavedEpoch = epoch;
        lastSavedNanos = System.nanoTime();
    }

    private static String formatStep(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
