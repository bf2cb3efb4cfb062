package org.marginmax.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The last epoch whose full training set's loss the schedule saw, kept while the predictive schedule judges the epochs
 * after it by their minibatches alone ({@code train.stats_every} > 1, docs/SCHEDULES.md): its parameters, the loop's
 * state and the schedule's. The run goes back to it when an epoch starts from parameters that are already broken (an
 * unverified epoch's last steps can break them unseen), and a stop checkpoints it instead of an unverified epoch, so
 * that every checkpoint and every metrics row is of an epoch the authors' test judged, and a resumed run replays the
 * same unverified epochs exactly.
 */
final class VerifiedEpoch {
    private final INDArray params;
    private int epoch;
    private double logFrame;
    private double batchLogLoss;
    private double scheduleLr;
    private int rollbacks;
    private int attempts;
    private Long sgdSteps;

    VerifiedEpoch(INDArray params) { this.params = params.dup(); }

    /** Keeps {@code current} parameters and the state of the epoch that produced them. */
    void keep(INDArray current, TrainingState state, LearningRateSchedule schedule) {
        params.assign(current);
        epoch = state.epoch;
        logFrame = state.logFrame;
        batchLogLoss = state.batchLogLoss;
        scheduleLr = schedule.lr();
        rollbacks = state.rollbacks;
        attempts = state.attempts;
        sgdSteps = state.sgdSteps;
    }

    int epoch() { return epoch; }

    /** The full training set's log loss at this epoch (its frame). */
    double logLoss() { return logFrame; }

    /** Whether the loop has kept epochs since this one. */
    boolean behind(TrainingState state) { return state.epoch > epoch; }

    /**
     * Goes back to this epoch: its parameters into {@code net} and {@code accepted}, its epoch, frame and schedule
     * state. With {@code countsToo} also the cost counters (a stop, whose checkpoint must be what an uninterrupted
     * run held at this epoch); without, the attempts spent since stay counted.
     */
    void restore(INDArray net, INDArray accepted, TrainingState state, LearningRateSchedule schedule,
                 boolean countsToo) {
        net.assign(params);
        accepted.assign(params);
        state.epoch = epoch;
        state.logFrame = logFrame;
        state.batchLogLoss = batchLogLoss;
        schedule.restore(scheduleLr, logFrame);
        if (countsToo) {
            state.rollbacks = rollbacks;
            state.attempts = attempts;
            state.sgdSteps = sgdSteps;
        }
    }
}
