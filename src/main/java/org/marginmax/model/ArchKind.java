package org.marginmax.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The architectures of protocol B, plus a plain MLP. */
public enum ArchKind {
    MLP("mlp"), MNIST_CNN("mnist-cnn"), VGG16("vgg16");

    private final String key;

    ArchKind(String key) { this.key = key; }

    @JsonValue
    public String key() { return key; }

    @JsonCreator
    public static ArchKind of(String key) {
        for (ArchKind a : values()) if (a.key.equals(key)) return a;
        throw new IllegalArgumentException("unknown architecture '" + key + "' (use mlp, mnist-cnn or vgg16)");
    }

    /** Whether the network takes NCHW images (CNNs) rather than flattened vectors. */
    public boolean convolutional() { return this != MLP; }
}
