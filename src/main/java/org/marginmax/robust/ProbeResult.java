package org.marginmax.robust;

/**
 * The probe's answer for one checkpoint: per example where it breaks ({@link Attack#brokenAt}), summarised.
 *
 * @param brokenAt per example: smallest ε of the list that breaks it, or the L2 norm ‖δ‖₂ of the smallest
 *                 perturbation found (minimal attacks); 0 if misclassified clean; +∞ if never broken
 * @param seconds  wall time the attack took when it was computed
 * @param cached   read from the cache in this call
 */
public record ProbeResult(int epoch, double[] brokenAt, double seconds, boolean cached) {

    public double cleanAccuracy() { return RobustAccuracy.clean(brokenAt); }

    public double robustAccuracy(double eps) { return RobustAccuracy.at(brokenAt, eps); }

    /** Statistics of the perturbation norm over the correctly classified examples (minimal attacks). */
    public NormStats normStats() {
        double[] sorted = RobustAccuracy.normsOfCorrect(brokenAt);
        int notFound = 0;
        for (double v : sorted) if (Double.isInfinite(v)) notFound++;
        return new NormStats(sorted.length, notFound, RobustAccuracy.finiteMean(sorted),
                RobustAccuracy.quantile(sorted, 0.5), RobustAccuracy.quantile(sorted, 0.1),
                RobustAccuracy.quantile(sorted, 0.25), RobustAccuracy.quantile(sorted, 0.75),
                RobustAccuracy.quantile(sorted, 0.9));
    }

    /**
     * @param attacked examples classified correctly (and so attacked)
     * @param notFound of those, how many the attack found no perturbation for (+∞ in the quantiles)
     * @param mean     mean norm over the perturbations found
     */
    public record NormStats(int attacked, int notFound, double mean, double median, double q10, double q25,
                            double q75, double q90) {}
}
