package org.marginmax.model;

/** The kinds of weight layer the networks of protocol B contain. */
public enum WeightLayerKind {
    DENSE("dense"), CONV("conv"), OUTPUT("output");

    private final String key;

    WeightLayerKind(String key) { this.key = key; }

    public String key() { return key; }
}
