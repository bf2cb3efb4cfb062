package org.marginmax.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * An in-memory image classification set: features [N, C·H·W] float32 in [0, 1] (pixel byte / 255, CHW order
 * within a row), built once, and integer labels 0..numClasses−1.
 *
 * <p>Binary tasks ({@code binary == true}) have numClasses = 2 and labels 0/1 standing for the targets −1/+1
 * (protocol A: one output, q_n = y_n f(θ; x_n)). The arrays are shared, not copied, between a dataset and the
 * datasets derived from it by relabelling: treat them as read-only.
 */
public final class ImageDataset {
    private static final int CONVERT_ROWS = 1024;

    private final INDArray features;
    private final int[] labels;
    private final int channels, height, width, numClasses;
    private final boolean binary;
    private volatile INDArray labelMatrix;

    public ImageDataset(INDArray features, int[] labels, int channels, int height, int width, int numClasses, boolean binary) {
        if (features.rank() != 2 || features.rows() != labels.length || features.columns() != (long) channels * height * width)
            throw new IllegalArgumentException("features " + Arrays.toString(features.shape()) + " do not fit " + labels.length
                    + " images of " + channels + "x" + height + "x" + width);
        if (features.dataType() != DataType.FLOAT) throw new IllegalArgumentException("features must be float32, not " + features.dataType());
        if (binary && numClasses != 2) throw new IllegalArgumentException("a binary task has 2 classes, not " + numClasses);
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= numClasses)
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " is outside 0.." + (numClasses - 1));
        this.features = features;
        this.labels = labels.clone();
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
        this.binary = binary;
    }

    /** Converts raw bytes to float32 in [0, 1] (byte / 255f), in chunks of rows, outside any workspace. */
    public static ImageDataset fromRaw(RawImages raw, int numClasses) {
        int n = raw.count(), d = raw.imageSize();
        byte[] px = raw.pixels();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray features = Nd4j.createUninitialized(DataType.FLOAT, n, d);
            float[] chunk = new float[Math.min(n, CONVERT_ROWS) * d];
            for (int r0 = 0; r0 < n; r0 += CONVERT_ROWS) {
                int rows = Math.min(CONVERT_ROWS, n - r0);
                float[] buf = rows * d == chunk.length ? chunk : new float[rows * d];
                int base = r0 * d;
                for (int j = 0; j < buf.length; j++) buf[j] = (px[base + j] & 0xFF) / 255f;
                features.get(NDArrayIndex.interval(r0, r0 + rows), NDArrayIndex.all())
                        .assign(Nd4j.create(buf, new long[]{rows, d}, DataType.FLOAT));
            }
            return new ImageDataset(features, raw.labels(), raw.channels(), raw.height(), raw.width(), numClasses, false);
        }
    }

    public int size() { return labels.length; }

    public int channels() { return channels; }

    public int height() { return height; }

    public int width() { return width; }

    /** C·H·W, the length of a flattened image. */
    public int imageSize() { return channels * height * width; }

    /** Classes of the task: 2 for a binary task. */
    public int numClasses() { return numClasses; }

    /** Output units a network needs: 1 for a binary task (labels ±1), numClasses otherwise. */
    public int outputs() { return binary ? 1 : numClasses; }

    public boolean binary() { return binary; }

    /** Flat features [N, C·H·W]. */
    public INDArray features() { return features; }

    /** Features flat [N, C·H·W] or, if {@code nchw}, as an [N, C, H, W] view of the same memory. */
    public INDArray features(boolean nchw) {
        return nchw ? features.reshape('c', labels.length, channels, height, width) : features;
    }

    /** A copy of the labels (0..numClasses−1; for binary tasks 0 means −1 and 1 means +1). */
    public int[] labels() { return labels.clone(); }

    public int label(int i) { return labels[i]; }

    /** The target of example {@code i} in a binary task: −1 or +1. */
    public int target(int i) {
        if (!binary) throw new IllegalStateException("target(i) is for binary tasks; use label(i)");
        return labels[i] == 1 ? 1 : -1;
    }

    /** One-hot [N, numClasses] float32 or, for a binary task, [N, 1] holding −1/+1. Built once, then shared. */
    public INDArray labelMatrix() {
        INDArray m = labelMatrix;
        if (m == null) {
            synchronized (this) {
                if (labelMatrix == null) labelMatrix = buildLabelMatrix();
                m = labelMatrix;
            }
        }
        return m;
    }

    private INDArray buildLabelMatrix() {
        int n = labels.length, cols = outputs();
        float[] data = new float[n * cols];
        for (int i = 0; i < n; i++) {
            if (binary) data[i] = labels[i] == 1 ? 1f : -1f;
            else data[i * cols + labels[i]] = 1f;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(data, new long[]{n, cols}, DataType.FLOAT);
        }
    }

    /** Number of examples of each class (for binary tasks: [count of −1, count of +1]). */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int y : labels) counts[y]++;
        return counts;
    }

    /** The examples at {@code indices} (in that order, repeats allowed), copied into new arrays. */
    public ImageDataset subset(int[] indices) {
        if (indices.length == 0) throw new DataException("a subset must keep at least one example");
        int[] sub = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= labels.length)
                throw new IndexOutOfBoundsException("index " + indices[k] + " outside 0.." + (labels.length - 1));
            sub[k] = labels[indices[k]];
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray rows = Nd4j.pullRows(features, 1, indices);
            return new ImageDataset(rows, sub, channels, height, width, numClasses, binary);
        }
    }

    /** The same images (shared features) with new labels. */
    public ImageDataset withLabels(int[] newLabels, int newNumClasses, boolean newBinary) {
        return new ImageDataset(features, newLabels, channels, height, width, newNumClasses, newBinary);
    }

    @Override
    public String toString() {
        return "ImageDataset[" + labels.length + " x " + channels + "x" + height + "x" + width + ", " + numClasses
                + " classes" + (binary ? ", binary ±1" : "") + "]";
    }
}
