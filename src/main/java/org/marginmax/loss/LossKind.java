package org.marginmax.loss;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The losses of protocol A. The binary ones need one output unit and labels ±1. */
public enum LossKind {
    CROSS_ENTROPY("cross-entropy", false), LOGISTIC("logistic", true), EXPONENTIAL("exponential", true);

    private final String key;
    private final boolean binary;

    LossKind(String key, boolean binary) { this.key = key; this.binary = binary; }

    @JsonValue
    public String key() { return key; }

    public boolean binary() { return binary; }

    @JsonCreator
    public static LossKind of(String key) {
        for (LossKind k : values()) if (k.key.equals(key)) return k;
        throw new IllegalArgumentException("unknown loss '" + key + "' (use cross-entropy, logistic or exponential)");
    }
}
