package org.marginmax.robust;

/**
 * Output margins and the attack objectives on logits (protocol A and C). Labels follow
 * {@link org.marginmax.loss.MarginLoss}: the class index for several outputs, −1 or +1 for one output.
 */
public final class Margins {
    private Margins() {}

    /** q = f_y − max_{j≠y} f_j, or y·f for one output. */
    public static double margin(double[] logits, int offset, int numOutputs, int label) {
        if (numOutputs == 1) return label * logits[offset];
        double other = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < numOutputs; j++) if (j != label) other = Math.max(other, logits[offset + j]);
        return logits[offset + label] - other;
    }

    /** The strongest other class, argmax_{j≠y} f_j (first on ties); -1 for one output. */
    public static int runnerUp(double[] logits, int offset, int numOutputs, int label) {
        if (numOutputs == 1) return -1;
        int best = -1;
        for (int j = 0; j < numOutputs; j++)
            if (j != label && (best < 0 || logits[offset + j] > logits[offset + best])) best = j;
        return best;
    }

    /** Correctly classified means a positive margin; a tie counts as an error (the attacker wins ties). */
    public static boolean correct(double[] logits, int offset, int numOutputs, int label) {
        return margin(logits, offset, numOutputs, label) > 0;
    }

    /**
     * The Carlini–Wagner margin objective to MAXIMISE: min(−q, κ) = min(max_{j≠y} f_j − f_y, κ) (or min(−y·f, κ) for
     * one output), times a per-example weight. Capped at κ: once the example is misclassified with confidence κ its
     * gradient is zero. κ = +∞ means no cap.
     */
    public static Objective cwMargin(int[] labels, double kappa, double[] weights) {
        return (logits, offset, c, n, grad) -> {
            double w = weights == null ? 1.0 : weights[n];
            int y = labels[n];
            double q = margin(logits, offset, c, y);
            if (-q >= kappa) return w * kappa;
            if (c == 1) {
                grad[offset] = -w * y;
            } else {
                grad[offset + y] = -w;
                grad[offset + runnerUp(logits, offset, c, y)] = w;
            }
            return -w * q;
        };
    }

    /**
     * The logit gap that is negative while example n is correct and crosses zero at the decision boundary with class
     * {@code classes[n]}: f_k − f_y (DeepFool's linearised boundaries), or −y·f for one output (classes ignored).
     */
    public static Objective logitDifference(int[] labels, int[] classes) {
        return (logits, offset, c, n, grad) -> {
            if (c == 1) {
                grad[offset] = -labels[n];
                return -labels[n] * logits[offset];
            }
            int y = labels[n], k = classes[n];
            if (k == y) return 0;
            grad[offset + k] = 1;
            grad[offset + y] = -1;
            return logits[offset + k] - logits[offset + y];
        };
    }
}
