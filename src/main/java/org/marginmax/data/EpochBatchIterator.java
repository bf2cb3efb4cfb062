package org.marginmax.data;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.BitSet;
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
 *
 * <p>With an active set ({@link #setActive}, {@code train.skip_settled}) each batch of the permutation keeps only its
 * active rows, in the same order, and the loss weighs each of its n rows by n/B ({@link #rowWeightOf}): DL4J divides
 * the summed loss and its gradient by the n rows of the array, so the step is that of (1/B)·Σ_{active} ∇ℓ_n, the full
 * batch's mean-loss step less the left-out terms. A batch with no active row keeps its first row, so every epoch still
 * has N / B steps. A batch that keeps all its rows has weight 1 (the same arrays and arithmetic as without an active
 * set). (A DL4J labels mask would carry the weight too, but made each step of the quickstart's MLP several times
 * slower in M2.1.)
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
    private BitSet active;
    private transient double lastWeight = 1;
    private transient boolean lastWeightTaken = true;
    private transient int unweightedBatches;
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

    /**
     * The examples later batches train on ({@code null}: all). Rows outside it are left out of their batches;
     * see the class comment.
     */
    public void setActive(BitSet active) {
        if (active != null && active.length() > data.size())
            throw new IllegalArgumentException("the active set names example " + (active.length() - 1) + " of "
                    + data.size());
        this.active = active == null || active.cardinality() == data.size() ? null : (BitSet) active.clone();
    }

    /**
     * The examples the batches train on ({@code train.skip_settled}, chosen at the last kept statistics pass; the
     * trainer checkpoints it); null for all of them. Not to be modified.
     */
    public BitSet active() { return active; }

    /** How many examples the batches train on: all of them without an active set. */
    public int activeCount() { return active == null ? data.size() : active.cardinality(); }

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
        int full = Math.min(num, end - cursor);
        int[] idx = activeRows(cursor, full);
        int n = idx.length;
        cursor += full;
        DataSet ds;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray x = Nd4j.pullRows(data.features(), 1, idx);
            if (nchw) x = x.reshape('c', n, data.channels(), data.height(), data.width());
            INDArray y = Nd4j.pullRows(data.labelMatrix(), 1, idx);
            ds = new DataSet(x, y);
            if (!lastWeightTaken) unweightedBatches++;
            lastWeight = n == full ? 1 : (double) n / full;
            lastWeightTaken = n == full;
            lastLabels = y;
            lastLabelInts = new int[n];
            for (int i = 0; i < n; i++) lastLabelInts[i] = data.binary() ? data.target(idx[i]) : data.label(idx[i]);
        }
        if (preProcessor != null) preProcessor.preProcess(ds);
        return ds;
    }

    /**
     * The weight of each row of the last batch, if {@code labels} is that batch's label array itself (identity): n/B
     * for a batch that kept n of its B rows, else 1; 1 for any other array (statistics passes, attacks).
     */
    public double rowWeightOf(INDArray labels) {
        if (labels == null || labels != lastLabels || preProcessor != null) return 1;
        lastWeightTaken = true;
        return lastWeight;
    }

    /**
     * How many reduced batches since the last call were fitted without the loss asking for their weight (their steps
     * were then too large by B/n); resets the count. The trainer checks it is 0 after each epoch.
     */
    public int takeUnweightedBatches() {
        int u = unweightedBatches + (lastWeightTaken ? 0 : 1);
        unweightedBatches = 0;
        lastWeightTaken = true;
        return u;
    }

    /** The permutation's rows [from, from + count) that are active; its first row if none is. */
    private int[] activeRows(int from, int count) {
        if (active == null) return Arrays.copyOfRange(order, from, from + count);
        int[] rows = new int[count];
        int n = 0;
        for (int i = from; i < from + count; i++) if (active.get(order[i])) rows[n++] = order[i];
        if (n == 0) return new int[] {order[from]};
        return n == count ? rows : Arrays.copyOf(rows, n);
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
