package org.marginmax.robust;

import java.util.Arrays;

/**
 * The points to attack: features row-major [n, inputSize] in [0, 1] (float32, as the data sets hold them) and labels
 * as in {@link org.marginmax.loss.MarginLoss} (class index, or ±1 for one output).
 */
public record Examples(float[] features, int[] labels, int inputSize) {
    public Examples {
        if (inputSize < 1 || (long) labels.length * inputSize != features.length)
            throw new IllegalArgumentException(features.length + " feature values are not " + labels.length
                    + " examples of " + inputSize);
        for (float v : features)
            if (!(v >= 0f && v <= 1f))
                throw new org.marginmax.io.UserInputException("attacked inputs must lie in [0, 1], found " + v
                        + ": scale the pixels to [0, 1]");
    }

    public int size() { return labels.length; }

    /** The first {@code n} examples (all of them if there are fewer). */
    public Examples first(int n) {
        if (n >= size()) return this;
        return new Examples(Arrays.copyOf(features, n * inputSize), Arrays.copyOf(labels, n), inputSize);
    }

    /** Copies example {@code i} into {@code dst} at row {@code row}. */
    void copyRow(int i, double[] dst, int row) {
        int s = i * inputSize, d = row * inputSize;
        for (int k = 0; k < inputSize; k++) dst[d + k] = features[s + k];
    }

    /** The rows {@code indices} as a row-major float64 batch. */
    double[] rows(int[] indices, int from, int count) {
        double[] out = new double[count * inputSize];
        for (int r = 0; r < count; r++) copyRow(indices[from + r], out, r);
        return out;
    }

    int[] labelsOf(int[] indices, int from, int count) {
        int[] out = new int[count];
        for (int r = 0; r < count; r++) out[r] = labels[indices[from + r]];
        return out;
    }
}
