package org.marginmax.train;

import org.marginmax.margin.ScheduleCounts;
import org.marginmax.run.CheckpointState;

import java.util.Map;

/**
 * What the training loop carries from epoch to epoch: the accepted epoch count, the log-frame (protocol B, "The
 * log-frame"), the rollbacks, epoch attempts and SGD steps so far, the last metrics row, and why the loop ended. Restored whole from a checkpoint.
 */
final class TrainingState {
    int epoch;
    double logFrame;
    int rollbacks;
    /** Epoch attempts so far, accepted and rejected (abandoned ones included). */
    int attempts;
    /** Minibatch SGD steps so far, those of rejected attempts included; null when unknown. */
    Long sgdSteps;
    /**
     * log of the last kept epoch's mean minibatch loss (absolute, not in the frame); NaN when unknown (before the first
     * epoch, or resumed from a checkpoint that did not keep it).
     */
    double batchLogLoss = Double.NaN;
    Map<String, Object> lastRow;
    /** Wall seconds of the run before this process started (a resumed run continues its clock). */
    double wallOffset;
    boolean interrupted;
    String stopReason;

    static TrainingState fresh(double logFrame, Map<String, Object> initialRow) {
        TrainingState s = new TrainingState();
        s.logFrame = logFrame;
        s.lastRow = initialRow;
        s.sgdSteps = 0L;
        return s;
    }

    static TrainingState resumed(CheckpointState st) {
        TrainingState s = new TrainingState();
        s.epoch = st.epoch();
        s.logFrame = st.logFrame();
        s.rollbacks = st.rollbacks();
        // A checkpoint written before these were counted: every accepted epoch was one attempt and every rollback
        // one more, so attempts is exact; the steps of its abandoned attempts are lost, so sgd_steps stays unknown
        // (empty cells) for the rest of the run rather than a wrong number.
        s.attempts = st.attempts() != null ? st.attempts() : st.epoch() + st.rollbacks();
        s.sgdSteps = st.sgdSteps();
        s.batchLogLoss = st.batchLogLoss() != null ? st.batchLogLoss() : Double.NaN;
        s.lastRow = st.metrics();
        s.wallOffset = st.metrics().get("wall_seconds") instanceof Number n ? n.doubleValue() : 0;
        return s;
    }

    ScheduleCounts spent() { return new ScheduleCounts(rollbacks, attempts, sgdSteps); }

    /** Counts one more epoch attempt and the SGD steps it ran. */
    void attempted(int steps) {
        attempts++;
        if (sgdSteps != null) sgdSteps += steps;
    }

    boolean running(int epochs) { return epoch < epochs && stopReason == null && !interrupted; }
}
