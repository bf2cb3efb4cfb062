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

    private boolean measureThisEpoch = true;
    private EpochMeasurement latest;
    private double worstBatchLoss;

    public MarginListener(MarginStatistics statistics, INDArray trainFeatures, int[] trainLabels,
                          INDArray testFeatures, int[] testLabels, double maxBatchLoss, Runnable abortEpoch) {
        this.statistics = statistics;
        this.trainFeatures = trainFeatures;
        this.trainLabels = trainLabels;
        this.testFeatures = testFeatures;
        this.testLabels = testLabels;
        this.maxBatchLoss = maxBatchLoss;
        this.abortEpoch = abortEpoch;
    }

    /** Whether the coming epoch ends with a statistics pass (always, for the loss-based schedule). */
    public void measureNextEpoch(boolean measure) {
        this.measureThisEpoch = measure;
        this.latest = null;
        this.worstBatchLoss = 0;
    }

    /** The last measurement, or null if the last epoch was not measured. */
    public EpochMeasurement latest() { return latest; }

    /** The largest minibatch loss (in frame units) of the last epoch; NaN if any was NaN. */
    public double worstBatchLoss() { return worstBatchLoss; }

    /** Whether the last epoch was abandoned: a minibatch loss was NaN or above the bound. */
    public boolean aborted() { return Double.isNaN(worstBatchLoss) || worstBatchLoss > maxBatchLoss; }

    /**
     * As in the authors' trainer, a minibatch loss (frame units) that is NaN or above the bound abandons the epoch
     * at once; the schedule then treats it as a rejected epoch.
     */
    @Override public void iterationDone(Model model, int iteration, int epoch) {
        double score = model.score();
        if (Double.isNaN(score) || Double.isNaN(worstBatchLoss)) worstBatchLoss = Double.NaN;
        else worstBatchLoss = Math.max(worstBatchLoss, score);
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
        return new EpochMeasurement(train, test, norms, (System.nanoTime() - t0) / 1e9);
    }
}
