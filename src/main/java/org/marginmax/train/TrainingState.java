package org.marginmax.train;

import org.marginmax.run.CheckpointState;

import java.util.Map;

/**
 * What the training loop carries from epoch to epoch: the accepted epoch count, the log-frame (protocol B, "The
 * log-frame"), the rollbacks so far, the last metrics row, and why the loop ended. Restored whole from a checkpoint.
 */
final class TrainingState {
    int epoch;
    double logFrame;
    int rollbacks;
    Map<String, Object> lastRow;
    /** Wall seconds of the run before this process started (a resumed run continues its clock). */
    double wallOffset;
    boolean interrupted;
    String stopReason;

    static TrainingState fresh(double logFrame, Map<String, Object> initialRow) {
        TrainingState s = new TrainingState();
        s.logFrame = logFrame;
        s.lastRow = initialRow;
        return s;
    }

    static TrainingState resumed(CheckpointState st) {
        TrainingState s = new TrainingState();
        s.epoch = st.epoch();
        s.logFrame = st.logFrame();
        s.rollbacks = st.rollbacks();
        s.lastRow = st.metrics();
        s.wallOffset = st.metrics().get("wall_seconds") instanceof Number n ? n.doubleValue() : 0;
        return s;
    }

    boolean running(int epochs) { return epoch < epochs && stopReason == null && !interrupted; }
}
