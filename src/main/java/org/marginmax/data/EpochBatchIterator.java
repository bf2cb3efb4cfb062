package org.marginmax.data;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Mini-batches of an in-memory {@link ImageDataset} for one epoch (protocol B: each epoch a fresh random
 * permutation, N / batch full batches, the remainder dropped).
 *
 * <p>The permutation is a pure function of (seed, epoch, attempt), chosen with {@link #setEpoch(int, int)}, so a
 * resumed run or a re-run (rejected) epoch sees exactly the batches it would have seen; {@link #reset()} rewinds
 * within the current permutation. Batches are gathered with {@code pullRows} from the prebuilt arrays, outside
 * any workspace. No prefetch thread: {@link #asyncSupported()} is false.
 */
public final class EpochBatchIterator implements DataSetIterator {
    private final transient ImageDataset data;
    private final boolean nchw;
    private final int batchSize;
    private final long seed;
    private int epoch, attempt;
    private int[] order;
    private boolean stopped;
    private int cursor;
    private transient DataSetPreProcessor preProcessor;
    private transient INDArray lastLabels;
    private transient int[] lastLabelInts;

    /** Starts at epoch 0, attempt 0. */
    public EpochBatchIterator(ImageDataset data, boolean nchw, int batchSize, long seed) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (batchSize > data.size())
            throw new DataException("batch size " + batchSize + " exceeds the " + data.size() + " training examples: no full batch");
        this.data = data;
        this.nchw = nchw;
        this.batchSize = batchSize;
        this.seed = seed;
        setEpoch(0, 0);
    }

    /** Selects the permutation of ({@code epoch}, {@code attempt}) and rewinds to its first batch. */
    public void setEpoch(int epoch, int attempt) {
        this.epoch = epoch;
        this.attempt = attempt;
        this.order = permutation(data.size(), seed, epoch, attempt);
        this.cursor = 0;
        this.stopped = false;
    }

    /** Ends the current epoch after the batch in progress (a diverged epoch is abandoned: protocol B). */
    public void stopEarly() { this.stopped = true; }

    public int epoch() { return epoch; }

    public int attempt() { return attempt; }

    /** Full batches per epoch: N / batch (integer division). */
    public int batchesPerEpoch() { return data.size() / batchSize; }

    /** A copy of the current epoch's order of example indices. */
    public int[] currentOrder() { return order.clone(); }

    /** The order of examples for (seed, epoch, attempt): a Fisher–Yates shuffle driven by java.util.Random. */
    public static int[] permutation(int n, long seed, int epoch, int attempt) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Subsets.shuffle(p, new Random(Subsets.mix(seed, 0x65706f6368L, epoch, attempt)));
        return p;
    }

    @Override
    public boolean hasNext() { return !stopped && cursor + batchSize <= batchesPerEpoch() * batchSize; }

    @Override
    public DataSet next() { return next(batchSize); }

    /** The next {@code num} examples of the permutation (at most up to the end of the last full batch). */
    @Override
    public DataSet next(int num) {
        int end = batchesPerEpoch() * batchSize;
        if (cursor >= end) throw new NoSuchElementException("epoch " + epoch + " has no more batches; call reset() or setEpoch()");
        int n = Math.min(num, end - cursor);
        int[] idx = new int[n];
        System.arraycopy(order, cursor, idx, 0, n);
        cursor += n;
        DataSet ds;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray x = Nd4j.pullRows(data.features(), 1, idx);
            if (nchw) x = x.reshape('c', n, data.channels(), data.height(), data.width());
            INDArray y = Nd4j.pullRows(data.labelMatrix(), 1, idx);
            ds = new DataSet(x, y);
            lastLabels = y;
            lastLabelInts = new int[n];
            for (int i = 0; i < n; i++) lastLabelInts[i] = data.binary() ? data.target(idx[i]) : data.label(idx[i]);
        }
        if (preProcessor != null) preProcessor.preProcess(ds);
        return ds;
    }

    /**
     * The labels of the last batch as ints (class index, or ±1 for a binary task), taken from the host-side data,
     * if {@code labels} is that batch's label array itself (identity, not equality); else null.
     */
    public int[] hostLabelsOf(INDArray labels) {
        return labels != null && labels == lastLabels && preProcessor == null ? lastLabelInts : null;
    }

    @Override
    public int inputColumns() { return data.imageSize(); }

    @Override
    public int totalOutcomes() { return data.outputs(); }

    @Override
    public boolean resetSupported() { return true; }

    @Override
    public boolean asyncSupported() { return false; }

    /** Rewinds to the first batch of the same permutation. */
    @Override
    public void reset() {
        cursor = 0;
        stopped = false;
    }

    @Override
    public int batch() { return batchSize; }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) { this.preProcessor = preProcessor; }

    @Override
    public DataSetPreProcessor getPreProcessor() { return preProcessor; }

    @Override
    public List<String> getLabels() { return null; }
}
