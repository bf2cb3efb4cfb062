package org.marginmax.robust;

import java.util.Arrays;

/** Summaries of per-example breaking points ({@link Attack#brokenAt}). */
public final class RobustAccuracy {
    private RobustAccuracy() {}

    /** Fraction of examples robust at ε: those whose breaking point exceeds ε. */
    public static double at(double[] brokenAt, double eps) {
        int robust = 0;
        for (double b : brokenAt) if (b > eps) robust++;
        return brokenAt.length == 0 ? Double.NaN : (double) robust / brokenAt.length;
    }

    /** Fraction classified correctly without attack (breaking point above 0). */
    public static double clean(double[] brokenAt) { return at(brokenAt, 0); }

    /**
     * Perturbation norms of a minimal attack over the examples classified correctly (breaking point above 0); +∞
     * for those it found no perturbation for.
     */
    public static double[] normsOfCorrect(double[] brokenAt) {
        return Arrays.stream(brokenAt).filter(b -> b > 0).sorted().toArray();
    }

    /** The q-quantile (0 ≤ q ≤ 1) of sorted values, linear interpolation between order statistics; NaN if empty. */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        if (lo == hi || sorted[lo] == sorted[hi]) return sorted[lo];
        if (Double.isInfinite(sorted[hi])) return Double.POSITIVE_INFINITY;
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Mean of the finite values; NaN if none. */
    public static double finiteMean(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).average().orElse(Double.NaN);
    }
}
