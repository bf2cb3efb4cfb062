package org.marginmax.loss;

/**
 * Log-space arithmetic for losses far below float64's range (protocol B, "The log-frame"; E, pitfalls).
 * Every function is stable over the whole real line unless its comment says otherwise.
 */
public final class LogSpace {

    /** Below this, softplus(t) = e^t (1 - e^t/2 + ...) and the first correction term is all that is left. */
    private static final double TINY_EXPONENT = -30.0;

    private LogSpace() {}

    /** softplus(t) = log(1 + e^t), without overflow for large t or loss of digits for very negative t. */
    public static double log1pExp(double t) {
        return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    }

    /** log sigmoid(t) = -softplus(-t). */
    public static double logSigmoid(double t) {
        return -log1pExp(-t);
    }

    /**
     * log(softplus(t)) = log(log(1 + e^t)). For t << 0, softplus(t) underflows but its log is
     * t + log(1 - e^t/2 + e^{2t}/3 - ...) ≈ t - e^t/2.
     */
    public static double logSoftplus(double t) {
        if (t < TINY_EXPONENT) return t - 0.5 * Math.exp(t);
        return Math.log(log1pExp(t));
    }

    /**
     * log(e^x - 1) for x = e^{logX} &gt; 0, given logX: for tiny x it is logX + x/2 + O(x²), for large x
     * it is x + log(1 - e^{-x}).
     */
    public static double logExpm1(double logX) {
        if (logX < TINY_EXPONENT) return logX + 0.5 * Math.exp(logX);
        double x = Math.exp(logX);
        if (x > 30.0) return x + Math.log1p(-Math.exp(-x));
        return Math.log(Math.expm1(x));
    }

    /** log Σ_i e^{a_i}; -∞ for an empty array; +∞ or NaN entries propagate. */
    public static double logSumExp(double[] logs) {
        return logSumExp(logs, 0, logs.length);
    }

    /** log Σ_{i in [from, to)} e^{a_i}. */
    public static double logSumExp(double[] logs, int from, int to) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            if (Double.isNaN(logs[i])) return Double.NaN;
            if (logs[i] > max) max = logs[i];
        }
        if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) return max;
        double sum = 0;
        for (int i = from; i < to; i++) sum += Math.exp(logs[i] - max);
        return max + Math.log(sum);
    }

    /** log of the mean of e^{a_i}: logSumExp - log n. */
    public static double logMeanExp(double[] logs) {
        if (logs.length == 0) throw new IllegalArgumentException("logMeanExp of no terms: pass at least one log value");
        return logSumExp(logs) - Math.log(logs.length);
    }

    /** log(e^a + e^b), for accumulating a log-sum chunk by chunk (start from -∞). */
    public static double logAddExp(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) return Double.NaN;
        double max = Math.max(a, b);
        if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) return max;
        return max + Math.log1p(Math.exp(Math.min(a, b) - max));
    }
}
