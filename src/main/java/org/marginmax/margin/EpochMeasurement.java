package org.marginmax.margin;

/**
 * What the listener measured at the end of one epoch: full training set, test set (may be null), norms, and the
 * alignment cos(θ, −∇ℒ) (null on epochs it was not measured).
 */
public record EpochMeasurement(SetStatistics train, SetStatistics test, ParameterNorms norms, double seconds,
                               Double alignment) {
    public EpochMeasurement(SetStatistics train, SetStatistics test, ParameterNorms norms, double seconds) {
        this(train, test, norms, seconds, null);
    }
}
