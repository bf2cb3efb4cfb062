package org.marginmax.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The margin view of a loss (protocol A), evaluated on float64 logits for the per-epoch statistics.
 *
 * <p>Logits come as one row-major {@code double[]}: example n occupies {@code [n*numOutputs, (n+1)*numOutputs)}.
 * Labels are ints: the class index for cross-entropy, the sign -1 or +1 for the binary losses (which have
 * {@code numOutputs == 1}). {@link #labelsOf(INDArray)} converts DL4J label arrays to that form.
 */
public interface MarginLoss {

    LossKind kind();

    /** Labels [B,C] one-hot (cross-entropy) or [B,1] holding ±1 (binary) as ints; throws on anything else. */
    int[] labelsOf(INDArray labels);

    /** Output margin q_n: f_y - max_{j≠y} f_j (multi-class) or y·f (binary). */
    double margin(double[] logits, int offset, int numOutputs, int label);

    /** log ℓ_n, exact in log space, finite even when ℓ_n is far below 1e-308. */
    double logLoss(double[] logits, int offset, int numOutputs, int label);

    /**
     * g(log 1/ℒ) for the total (SUM) loss ℒ = e^{logTotalLoss}: the numerator of the smoothed normalized
     * margin γ̃ = g(log 1/ℒ) / ρ^L. NaN where g is undefined (logistic, cross-entropy: ℒ ≥ log 2).
     */
    double smoothedMarginNumerator(double logTotalLoss);

    default double margin(double[] logits, int label) {
        return margin(logits, 0, logits.length, label);
    }

    default double logLoss(double[] logits, int label) {
        return logLoss(logits, 0, logits.length, label);
    }

    default double[] margins(double[] logits, int numOutputs, int[] labels) {
        checkBatch(logits, numOutputs, labels);
        double[] out = new double[labels.length];
        for (int n = 0; n < out.length; n++) out[n] = margin(logits, n * numOutputs, numOutputs, labels[n]);
        return out;
    }

    default double[] logLosses(double[] logits, int numOutputs, int[] labels) {
        checkBatch(logits, numOutputs, labels);
        double[] out = new double[labels.length];
        for (int n = 0; n < out.length; n++) out[n] = logLoss(logits, n * numOutputs, numOutputs, labels[n]);
        return out;
    }

    /** log ℒ = log Σ_n ℓ_n over this batch of examples. */
    default double logTotalLoss(double[] logits, int numOutputs, int[] labels) {
        return LogSpace.logSumExp(logLosses(logits, numOutputs, labels));
    }

    private static void checkBatch(double[] logits, int numOutputs, int[] labels) {
        if (numOutputs < 1 || (long) labels.length * numOutputs != logits.length)
            throw new IllegalArgumentException("logits hold " + logits.length + " values, not " + labels.length
                    + " examples x " + numOutputs + " outputs: pass row-major logits [examples, outputs]");
    }
}
