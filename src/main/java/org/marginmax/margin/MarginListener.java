package org.marginmax.margin;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DL4J {@code TrainingListener} that measures what Lyu & Li's theorems are about. It watches every minibatch
 * loss (NaN, or above the configured bound, ends the run: protocol B) and, at the end of an epoch the trainer asked
 * to measure, runs {@link MarginStatistics} over the full training and test sets.
 */
public final class MarginListener extends BaseTrainingListener {
    private final MarginStatistics statistics;
    private final INDArray trainFeatures;
    private final int[] trainLabels;
    private final INDArray testFeatures;
    private final int[] testLabels;
    private final double maxBatchLoss;
    private final Runnable abortEpoch;
    private final int alignmentEvery;
    private final java.util.function.IntSupplier epoch;

    private boolean measureThisEpoch = true;
    private EpochMeasurement latest;
    private double worstBatchLoss;
    private double batchLossSum;
    private int steps;

    public MarginListener(MarginStatistics statistics, INDArray trainFeatures, int[] trainLabels,
                          INDArray testFeatures, int[] testLabels, double maxBatchLoss, Runnable abortEpoch) {
        this(statistics, trainFeatures, trainLabels, testFeatures, testLabels, maxBatchLoss, abortEpoch, 0, () -> 0);
    }

    /**
     * @param alignmentEvery measure the alignment cos(θ, −∇ℒ) on epochs divisible by this (0: never)
     * @param epoch          the epoch being trained (0 before training)
     */
    public MarginListener(MarginStatistics statistics, INDArray trainFeatures, int[] trainLabels,
                          INDArray testFeatures, int[] testLabels, double maxBatchLoss, Runnable abortEpoch,
                          int alignmentEvery, java.util.function.IntSupplier epoch) {
        this.alignmentEvery = alignmentEvery;
        this.epoch = epoch;
        this.statistics = statistics;
        this.trainFeatures = trainFeatures;
        this.trainLabels = trainLabels;
        this.testFeatures = testFeatures;
        this.testLabels = testLabels;
        this.maxBatchLoss = maxBatchLoss;
        this.abortEpoch = abortEpoch;
    }

    /**
     * Whether the coming epoch ends with a statistics pass (always for the loss-based schedule, and for the predictive
     * one before its switch or with {@code train.stats_every} 1).
     */
    public void measureNextEpoch(boolean measure) {
        this.measureThisEpoch = measure;
        this.latest = null;
        this.worstBatchLoss = 0;
        this.batchLossSum = 0;
        this.steps = 0;
    }

    /** The last measurement, or null if the last epoch was not measured. */
    public EpochMeasurement latest() { return latest; }

    /** The largest minibatch loss (in frame units) of the last epoch; NaN if any was NaN. */
    public double worstBatchLoss() { return worstBatchLoss; }

    /**
     * The SGD steps DL4J ran in the last epoch: one per minibatch it fitted, the one that abandoned it included (its
     * update is applied before the listener sees its loss).
     */
    public int steps() { return steps; }

    /**
     * The mean of the last epoch's minibatch losses (frame units), each taken at the parameters its step started
     * from: the training loss along the epoch's trajectory, at no cost beyond the SGD steps themselves.
     */
    public double meanBatchLoss() { return batchLossSum / steps; }

    /** Whether the last epoch was abandoned: a minibatch loss was NaN or above the bound. */
    public boolean aborted() { return Double.isNaN(worstBatchLoss) || worstBatchLoss > maxBatchLoss; }

    /**
     * As in the authors' trainer, a minibatch loss (frame units) that is NaN or above the bound abandons the epoch
     * at once; the schedule then treats it as a rejected epoch.
     */
    @Override public void iterationDone(Model model, int iteration, int epoch) {
        steps++;
        double score = model.score();
        if (Double.isNaN(score) || Double.isNaN(worstBatchLoss)) worstBatchLoss = Double.NaN;
        else worstBatchLoss = Math.max(worstBatchLoss, score);
        batchLossSum += score;
        if (aborted()) abortEpoch.run();
    }

    @Override public void onEpochEnd(Model model) {
        if (measureThisEpoch && !aborted()) latest = measure((MultiLayerNetwork) model);
    }

    /** A full statistics pass now (also used for the epoch-0 row before training). */
    public EpochMeasurement measure(MultiLayerNetwork net) {
        long t0 = System.nanoTime();
        SetStatistics train = statistics.evaluate(net, trainFeatures, trainLabels, true);
        SetStatistics test = testLabels.length == 0 ? null : statistics.evaluate(net, testFeatures, testLabels, false);
        ParameterNorms norms = statistics.norms(net);
        Double alignment = alignmentEvery > 0 && epoch.getAsInt() % alignmentEvery == 0 ? alignment(net) : null;
        return new EpochMeasurement(train, test, norms, (System.nanoTime() - t0) / 1e9, alignment);
    }

    /**
     * cos(θ, −∇ℒ(θ)) over the full training set: the training loss's own gradient (DL4J's backprop of the output
     * layer's loss, in frame units: the direction is the same), summed over chunks in float64. θ is every parameter.
     */
    public double alignment(MultiLayerNetwork net) {
        int n = trainLabels.length, outputs = (int) net.getOutputLayer().getParam("W").size(1);
        int chunk = statistics.chunk();
        INDArray g = null;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            INDArray labels = org.nd4j.linalg.factory.Nd4j.zeros(net.params().dataType(), to - from, outputs);
            for (int i = from; i < to; i++) {
                if (outputs == 1) labels.putScalar(i - from, 0, trainLabels[i]);
                else labels.putScalar(i - from, trainLabels[i], 1.0);
            }
            INDArray x = trainFeatures.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to));
            INDArray part = net.calculateGradients(x, labels, null, null).getFirst().gradient()
                    .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
            g = g == null ? part.dup() : g.addi(part);
        }
        INDArray theta = net.params().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(g.length());
        g = g.reshape(g.length());
        double dot = -theta.mul(g).sumNumber().doubleValue();
        return dot / Math.sqrt(theta.mul(theta).sumNumber().doubleValue() * g.mul(g).sumNumber().doubleValue());
    }
}
