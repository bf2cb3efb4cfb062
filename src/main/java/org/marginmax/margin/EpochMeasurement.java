package org.marginmax.margin;

/** What the listener measured at the end of one epoch: full training set, test set (may be null), norms. */
public record EpochMeasurement(SetStatistics train, SetStatistics test, ParameterNorms norms, double seconds) {}
