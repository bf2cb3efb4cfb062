package org.marginmax.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which weight layers carry a bias. Protocol A: a first-layer bias keeps the network homogeneous. */
public enum BiasMode {
    NONE("none"), FIRST_LAYER("first-layer"), ALL("all");

    private final String key;

    BiasMode(String key) { this.key = key; }

    @JsonValue
    public String key() { return key; }

    @JsonCreator
    public static BiasMode of(String key) {
        for (BiasMode m : values()) if (m.key.equals(key)) return m;
        throw new IllegalArgumentException("unknown bias mode '" + key + "' (use none, first-layer or all)");
    }

    /** Whether weight layer {@code index} (0-based, in order) has a bias. */
    public boolean hasBias(int index) {
        return this == ALL || (this == FIRST_LAYER && index == 0);
    }
}
