package org.marginmax.margin;

/**
 * Statistics of one data set under the current parameters, all float64, losses in natural-log space.
 *
 * @param size         number of examples
 * @param logMeanLoss  log of the mean per-example loss (the true loss, not the framed one)
 * @param logSumLoss   log of the summed loss, the paper's L(theta) (protocol A)
 * @param accuracy     fraction with output margin q_n > 0
 * @param qMin         smallest output margin
 * @param qMax         largest output margin
 * @param margins      every q_n (kept for the training set: support-vector counts)
 * @param logLosses    every log ℓ_n (kept with the margins: which examples still carry the loss, for
 *                     {@code train.skip_settled}); empty when not kept
 */
public record SetStatistics(int size, double logMeanLoss, double logSumLoss, double accuracy,
                            double qMin, double qMax, double[] margins, double[] logLosses) {

    public SetStatistics(int size, double logMeanLoss, double logSumLoss, double accuracy, double qMin, double qMax,
                         double[] margins) {
        this(size, logMeanLoss, logSumLoss, accuracy, qMin, qMax, margins, new double[0]);
    }

    /** log10 of the mean loss: the value reported, far below 1e-308 when the loss is. */
    public double log10MeanLoss() { return logMeanLoss / Math.log(10); }

    public double log10SumLoss() { return logSumLoss / Math.log(10); }

    /** n_supp_k = #{n : q_n < q_min + ln(10^k)}: points whose loss term is within 10^k of the largest (protocol A). */
    public int supportCount(int k) {
        double bound = qMin + k * Math.log(10);
        int count = 0;
        for (double q : margins) if (q < bound) count++;
        return count;
    }
}
