package org.marginmax.model;

import java.util.List;

/**
 * The {@code model:} section of an experiment config.
 *
 * @param arch   mlp, mnist-cnn or vgg16
 * @param hidden hidden widths of an MLP ([] is a linear model, L = 1); absent for the CNNs
 * @param bias   none, first-layer or all
 * @param dtype  float32 (default) or float64: the network's data type. Losses and statistics are float64 anyway.
 * @param initScale the initial weights are multiplied by this (default 1; kept null when 1, so that configs
 *                  without the key keep their hashes)
 */
public record ModelSpec(ArchKind arch, List<Integer> hidden, BiasMode bias, String dtype, Double initScale) {
    public ModelSpec(ArchKind arch, List<Integer> hidden, BiasMode bias, String dtype) {
        this(arch, hidden, bias, dtype, null);
    }

    /** The factor of the initial weights (1 unless model.init_scale says otherwise). */
    public double weightScale() { return initScale == null ? 1 : initScale; }

    public ModelSpec {
        if (initScale != null && (!(initScale > 0) || Double.isInfinite(initScale)))
            throw new IllegalArgumentException("model.init_scale must be a positive number, got " + initScale);
        if (initScale != null && initScale == 1.0) initScale = null;
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
