package org.marginmax.margin;

import org.marginmax.loss.LogSpace;

import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;

/**
 * Which training examples still carry the loss ({@code train.skip_settled}, docs/SCHEDULES.md "Settled examples").
 *
 * <p>After separation the loss ℒ = Σ_n ℓ_n is carried by the examples near the smallest margin: ℓ_n ≈ e^{−q_n}, so an
 * example 40 nats above q_min weighs e^{−40} ≈ 4·10^{−18} of the largest term, and its gradient ℓ'(q_n)·∇q_n with it.
 * The <em>settled</em> examples are the largest set of smallest terms whose sum is at most {@code share} of ℒ:
 *
 * <pre>  S = {n : rank of ℓ_n from the bottom ≤ m},  m the largest with Σ_{bottom m} ℓ_n ≤ share · ℒ.</pre>
 *
 * The SGD steps may leave them out: the full gradient ∇ℒ = Σ_n ℓ'_n ∇q_n changes by the settled terms alone, a share
 * of the order of {@code share} (at most {@code TrainSpec.MAX_SKIP_SETTLED} = 2^{−24}, float32's unit roundoff), while a minibatch with fewer rows costs
 * less. The set is chosen from one statistics pass and used until the next, so {@link #log10Share} measures, at that
 * next pass, how much of the loss the left-out examples then carried.
 */
public final class SettledExamples {
    private SettledExamples() {}

    /**
     * The examples to keep training on: all but the largest set of smallest loss terms that together hold at most
     * {@code share} of the summed loss. {@code logLosses[n]} = log ℓ_n; a NaN term keeps every example.
     */
    public static BitSet active(double[] logLosses, double share) {
        int n = logLosses.length;
        BitSet active = new BitSet(n);
        active.set(0, n);
        if (!(share > 0) || n == 0) return active;
        for (double l : logLosses) if (Double.isNaN(l)) return active;
        double budget = Math.log(share) + LogSpace.logSumExp(logLosses);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(logLosses[a], logLosses[b]));
        double settled = Double.NEGATIVE_INFINITY; // log of the settled terms' sum so far
        for (int i = 0; i < n; i++) {
            double next = LogSpace.logAddExp(settled, logLosses[order[i]]);
            if (next > budget) break;
            settled = next;
            active.clear(order[i]);
        }
        return active;
    }

    /**
     * log10 of the share of the summed loss that the examples outside {@code active} carry under {@code logLosses}:
     * −∞ when none is outside it.
     */
    public static double log10Share(double[] logLosses, BitSet active) {
        double[] left = new double[logLosses.length - active.cardinality()];
        int k = 0;
        for (int i = active.nextClearBit(0); i < logLosses.length; i = active.nextClearBit(i + 1)) left[k++] = logLosses[i];
        if (k == 0) return Double.NEGATIVE_INFINITY;
        return (LogSpace.logSumExp(left) - LogSpace.logSumExp(logLosses)) / Math.log(10);
    }

    /** The set as text for a checkpoint's sidecar: Base64 of {@link BitSet#toByteArray}, with the example count. */
    public static String encode(BitSet active, int n) {
        return n + ":" + Base64.getEncoder().encodeToString(active.toByteArray());
    }

    /** Reads {@link #encode}'s text back; throws IllegalArgumentException if it is not of {@code n} examples. */
    public static BitSet decode(String text, int n) {
        int colon = text.indexOf(':');
        if (colon < 0 || !text.substring(0, colon).equals(Integer.toString(n)))
            throw new IllegalArgumentException("the active-example set is not of " + n + " examples: '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
        BitSet b = BitSet.valueOf(Base64.getDecoder().decode(text.substring(colon + 1)));
        if (b.length() > n) throw new IllegalArgumentException("the active-example set names an example past " + n);
        return b;
    }
}
