package org.marginmax.loss;

/** g(log 1/ℒ) of protocol A, given log ℒ of the total (SUM) loss. */
final class Smoothing {

    private static final double LOG_LOG_2 = Math.log(Math.log(2.0));

    private Smoothing() {}

    /** Exponential loss: g(s) = s, so the numerator is -log ℒ. */
    static double exponential(double logTotalLoss) {
        return -logTotalLoss;
    }

    /** Logistic and cross-entropy: -log(e^ℒ - 1), defined for ℒ &lt; log 2 (NaN otherwise). */
    static double logistic(double logTotalLoss) {
        if (Double.isNaN(logTotalLoss) || logTotalLoss >= LOG_LOG_2) return Double.NaN;
        return -LogSpace.logExpm1(logTotalLoss);
    }
}
