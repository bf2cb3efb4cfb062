package org.marginmax.robust;

import java.util.SplittableRandom;

/** L∞ PGD (protocol C): random start uniform in the cube, steps α·sign(∇), clipping to the cube and [0, 1]. */
public final class PgdLinf extends ProjectedGradientAttack {

    public PgdLinf(Settings settings) { super(settings); }

    @Override public AttackKind kind() { return AttackKind.PGD_LINF; }

    @Override
    protected void randomStart(double[] x, double[] x0, int off, int d, double eps, SplittableRandom rnd) {
        for (int i = off; i < off + d; i++) x[i] = x0[i] + eps * (2 * rnd.nextDouble() - 1);
    }

    @Override
    protected void ascend(double[] x, double[] g, int off, int d, double alpha) {
        for (int i = off; i < off + d; i++) x[i] += alpha * Math.signum(g[i]);
    }

    @Override
    protected void projectToBall(double[] x, double[] x0, int off, int d, double eps) {
        for (int i = off; i < off + d; i++) x[i] = Math.min(x0[i] + eps, Math.max(x0[i] - eps, x[i]));
    }
}
