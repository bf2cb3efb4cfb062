package org.marginmax.robust;

/** Shared pieces of the minimal-perturbation attacks. */
final class MinimalAttacks {
    private MinimalAttacks() {}

    static double l2(double[] x, double[] x0, int off, int d) {
        double s = 0;
        for (int i = off; i < off + d; i++) s += (x[i] - x0[i]) * (x[i] - x0[i]);
        return Math.sqrt(s);
    }

    /**
     * Shrinks found perturbations along their segment: for each example with an adversarial point, {@code steps}
     * bisections on t ∈ (0, 1] of x0 + t·(adv − x0) keep the smallest t found misclassified. The point kept is always
     * misclassified (t = 1 is). Returns the L2 norms of the kept points; adversarial points are updated in place.
     */
    static void bisect(AttackedModel model, int[] labels, double[] x0, double[] adv, boolean[] found, int steps,
                       double[] norms) {
        int n = labels.length, d = model.inputSize(), c = model.numOutputs();
        double[] lo = new double[n], hi = new double[n];
        java.util.Arrays.fill(hi, 1.0);
        int[] idx = java.util.stream.IntStream.range(0, n).filter(i -> found[i] && norms[i] > 0).toArray();
        if (idx.length == 0) return;
        double[] delta = new double[n * d];
        for (int i : idx) for (int k = 0; k < d; k++) delta[i * d + k] = adv[i * d + k] - x0[i * d + k];
        for (int s = 0; s < steps; s++) {
            double[] x = new double[idx.length * d], clean = new double[idx.length * d];
            int[] y = new int[idx.length];
            for (int r = 0; r < idx.length; r++) {
                int i = idx[r];
                double t = 0.5 * (lo[i] + hi[i]);
                for (int k = 0; k < d; k++) {
                    x[r * d + k] = x0[i * d + k] + t * delta[i * d + k];
                    clean[r * d + k] = x0[i * d + k];
                }
                y[r] = labels[i];
            }
            model.roundToward(x, clean);
            double[] z = model.logits(x, idx.length);
            for (int r = 0; r < idx.length; r++) {
                int i = idx[r];
                double t = 0.5 * (lo[i] + hi[i]);
                if (Margins.correct(z, r * c, c, y[r])) {
                    lo[i] = t;
                } else {
                    hi[i] = t;
                    System.arraycopy(x, r * d, adv, i * d, d);
                    norms[i] = l2(adv, x0, i * d, d);
                }
            }
        }
    }
}
