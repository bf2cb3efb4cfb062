package org.marginmax.model;

import java.util.List;

/**
 * The {@code model:} section of an experiment config.
 *
 * @param arch   mlp, mnist-cnn or vgg16
 * @param hidden hidden widths of an MLP ([] is a linear model, L = 1); absent for the CNNs
 * @param bias   none, first-layer or all
 * @param dtype  float32 (default) or float64: the network's data type. Losses and statistics are float64 anyway.
 */
public record ModelSpec(ArchKind arch, List<Integer> hidden, BiasMode bias, String dtype) {
    public ModelSpec {
        if (arch == null) throw new IllegalArgumentException("model.arch is required (mlp, mnist-cnn or vgg16)");
        if (arch == ArchKind.MLP && hidden == null)
            throw new IllegalArgumentException("model.hidden must list the hidden widths of the MLP, e.g. [512, 512] "
                    + "([] is a linear model)");
        hidden = hidden == null ? List.of() : List.copyOf(hidden);
        if (bias == null) bias = BiasMode.NONE;
        if (dtype == null) dtype = "float32";
        if (!dtype.equals("float32") && !dtype.equals("float64"))
            throw new IllegalArgumentException("model.dtype must be float32 or float64, not '" + dtype + "'");
        if (arch != ArchKind.MLP && !hidden.isEmpty())
            throw new IllegalArgumentException("model.hidden applies to mlp only; " + arch.key() + " has a fixed shape");
        for (int w : hidden) if (w <= 0) throw new IllegalArgumentException("model.hidden widths must be positive, got " + w);
    }
}
