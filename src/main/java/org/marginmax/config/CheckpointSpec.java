package org.marginmax.config;

import java.util.List;

/**
 * The {@code checkpoints:} section; the rules combine (protocol B, "Checkpoints").
 *
 * @param epochs         save at these epochs (e.g. [1, 10, 100, 1000, 10000]); 0 is the initial model
 * @param every          save every k epochs
 * @param logLossStep    save when log10 of the training loss first drops below each multiple of -step (the authors'
 *                       LogLossArchiver; their MNIST runs used 5); the initial model counts as the first milestone
 * @param keepLast       rolling checkpoints (for resuming) kept besides the ones the rules above asked for
 * @param rollingEpochs  a rolling checkpoint at least every this many epochs ...
 * @param rollingMinutes ... or this many minutes, whichever comes first
 */
public record CheckpointSpec(List<Integer> epochs, Integer every, Double logLossStep, Integer keepLast,
                             Integer rollingEpochs, Double rollingMinutes) {
    public CheckpointSpec {
        epochs = epochs == null ? List.of() : List.copyOf(epochs);
        for (int e : epochs) if (e < 0) throw new IllegalArgumentException("checkpoints.epochs must be >= 0, got " + e);
        if (every != null && every <= 0) throw new IllegalArgumentException("checkpoints.every must be positive, got " + every);
        if (logLossStep != null && !(logLossStep > 0))
            throw new IllegalArgumentException("checkpoints.log_loss_step must be positive (decades), got " + logLossStep);
        if (keepLast == null) keepLast = 2;
        if (keepLast < 1) throw new IllegalArgumentException("checkpoints.keep_last must be >= 1, got " + keepLast);
        if (rollingEpochs == null) rollingEpochs = 10;
        if (rollingEpochs < 1) throw new IllegalArgumentException("checkpoints.rolling_epochs must be >= 1, got " + rollingEpochs);
        if (rollingMinutes == null) rollingMinutes = 10.0;
        if (!(rollingMinutes > 0)) throw new IllegalArgumentException("checkpoints.rolling_minutes must be positive, got " + rollingMinutes);
    }

    public static CheckpointSpec defaults() { return new CheckpointSpec(null, null, null, null, null, null); }
}
