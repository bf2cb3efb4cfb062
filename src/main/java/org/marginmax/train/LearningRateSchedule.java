package org.marginmax.train;
import org.marginmax.config.LearningRateSpec;

/**
 * A per-epoch learning-rate schedule acting in frame units (protocol B, "The log-frame"): the network is trained on
 * loss / exp(logFrame), so the SGD step uses {@link #frameLearningRate} and the real rate is that times
 * exp(-logFrame).
 */
public interface LearningRateSchedule {

    enum Decision { ACCEPT, REJECT, STOP }

    /** The rate handed to DL4J's SGD for the next epoch, given the log-frame that epoch trains in. */
    double frameLearningRate(double logFrame);

    /**
     * Called after each epoch with log(frame loss) over the full training set (0 means the loss did not change since
     * the last accepted epoch). Updates the schedule and says whether to keep the epoch.
     */
    Decision afterEpoch(double logFrameLoss);

    /** Whether the coming epoch must be judged by the full training set's loss, so needs a statistics pass. */
    boolean needsFullLoss();

    /**
     * Whether an epoch without a statistics pass is still judged, by {@link #afterEpoch} on the change of its mean
     * minibatch loss since the last kept epoch (the predictive schedule with {@code train.stats_every} > 1); otherwise
     * such an epoch is kept as it is (the constant schedule).
     */
    default boolean judgesUnmeasuredEpochs() { return false; }

    /** Why the last {@link Decision#STOP} stopped the run. */
    String stopReason();

    /** The schedule's own state (its lr), for checkpoints. */
    double lr();

    /** Restores {@link #lr} as checkpointed, with the frame (the last kept epoch's log loss) of the same checkpoint. */
    void restore(double lr, double logFrame);

    static LearningRateSchedule of(LearningRateSpec spec) {
        if (spec.predictive())
            return new PredictiveLearningRate(spec.lr(), spec.alpha1(), spec.alpha2(), spec.minLr(), spec.exponent(),
                    spec.growth(), spec.shrink(), spec.switchBelow());
        return spec.lossBased()
                ? new LossBasedLearningRate(spec.lr(), spec.alpha1(), spec.alpha2(), spec.minLr())
                : new ConstantLearningRate(spec.lr());
    }
}
