package org.marginmax.robust;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The attacks of protocol C, by their command-line names. */
public enum AttackKind {
    PGD_LINF("pgd-linf", false, Norm.LINF),
    PGD_L2("pgd-l2", false, Norm.L2),
    CW_L2("cw-l2", true, Norm.L2),
    DEEPFOOL("deepfool", true, Norm.L2);

    /** The norm that measures perturbations. */
    public enum Norm { LINF, L2 }

    private final String key;
    private final boolean minimal;
    private final Norm norm;

    AttackKind(String key, boolean minimal, Norm norm) {
        this.key = key;
        this.minimal = minimal;
        this.norm = norm;
    }

    public String key() { return key; }

    /** Minimal attacks return the smallest perturbation found; the others attack at each ε of a list. */
    public boolean minimal() { return minimal; }

    public Norm norm() { return norm; }

    /**
     * Default ε list: L∞ 0.01, 0.02, …, 0.30 (the authors' defaults; their MNIST list 0.11…0.19 via --eps); L2
     * 0.25, 0.5, …, 3.0 (MNIST-scale L2 distances). 0 is always added (clean accuracy).
     */
    public double[] defaultEps() {
        int count = norm == Norm.LINF ? 30 : 12;
        double step = norm == Norm.LINF ? 0.01 : 0.25;
        double[] eps = new double[count + 1];
        for (int i = 1; i <= count; i++) eps[i] = Math.round(i * step * 1e6) / 1e6;
        return eps;
    }

    public static AttackKind of(String key) {
        for (AttackKind k : values()) if (k.key.equalsIgnoreCase(key.trim())) return k;
        throw new org.marginmax.io.UserInputException("unknown attack '" + key + "': use one of "
                + Arrays.stream(values()).map(AttackKind::key).collect(Collectors.joining(", ")));
    }

    @Override public String toString() { return key; }
}
