package org.marginmax.loss;

import java.util.Random;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Random and hand-made batches for the loss tests. */
final class LossFixtures {

    static final ActivationIdentity IDENTITY = new ActivationIdentity();

    private LossFixtures() {}

    static int outputsFor(LossKind kind) { return kind.binary() ? 1 : 4; }

    /** Row-major logits ~ N(0, scale²). */
    static double[] randomLogits(Random rng, int batch, int outputs, double scale) {
        double[] f = new double[batch * outputs];
        for (int i = 0; i < f.length; i++) f[i] = scale * rng.nextGaussian();
        return f;
    }

    /** Class indices for cross-entropy, ±1 for the binary losses. */
    static int[] randomLabels(Random rng, LossKind kind, int batch, int outputs) {
        int[] y = new int[batch];
        for (int n = 0; n < batch; n++) y[n] = kind.binary() ? (rng.nextBoolean() ? 1 : -1) : rng.nextInt(outputs);
        return y;
    }

    static INDArray matrix(double[] rowMajor, int batch, int outputs) {
        return Nd4j.create(rowMajor, new long[] {batch, outputs}, DataType.DOUBLE);
    }

    /** DL4J label array: one-hot [B,C] for cross-entropy, [B,1] of ±1 for the binary losses. */
    static INDArray labelArray(LossKind kind, int[] labels, int outputs) {
        double[] v = new double[labels.length * outputs];
        for (int n = 0; n < labels.length; n++) {
            if (kind.binary()) v[n] = labels[n];
            else v[n * outputs + labels[n]] = 1.0;
        }
        return matrix(v, labels.length, outputs);
    }
}
