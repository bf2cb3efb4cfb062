package org.marginmax.robust;

import java.util.SplittableRandom;

/**
 * L2 PGD: random start uniform in the ε-ball, steps α·∇/‖∇‖₂, projection onto the ball and then the box (clipping to
 * [0, 1] only moves coordinates toward x0 ∈ [0, 1], so the ball still holds after it).
 */
public final class PgdL2 extends ProjectedGradientAttack {

    public PgdL2(Settings settings) { super(settings); }

    @Override public AttackKind kind() { return AttackKind.PGD_L2; }

    /** Direction uniform on the sphere (normalised Gaussian), radius ε·U^{1/d}: uniform in the ball. */
    @Override
    protected void randomStart(double[] x, double[] x0, int off, int d, double eps, SplittableRandom rnd) {
        double norm = 0;
        double[] u = new double[d];
        for (int i = 0; i < d; i++) {
            u[i] = gaussian(rnd);
            norm += u[i] * u[i];
        }
        norm = Math.sqrt(norm);
        double radius = eps * Math.pow(rnd.nextDouble(), 1.0 / d);
        for (int i = 0; i < d; i++) x[off + i] = x0[off + i] + (norm > 0 ? radius * u[i] / norm : 0);
    }

    @Override
    protected void ascend(double[] x, double[] g, int off, int d, double alpha) {
        double norm = norm(g, off, d);
        if (norm == 0) return;
        for (int i = off; i < off + d; i++) x[i] += alpha * g[i] / norm;
    }

    @Override
    protected void projectToBall(double[] x, double[] x0, int off, int d, double eps) {
        double s = 0;
        for (int i = off; i < off + d; i++) s += (x[i] - x0[i]) * (x[i] - x0[i]);
        double norm = Math.sqrt(s);
        if (norm <= eps) return;
        double f = eps / norm;
        for (int i = off; i < off + d; i++) x[i] = x0[i] + (x[i] - x0[i]) * f;
    }

    static double norm(double[] v, int off, int d) {
        double s = 0;
        for (int i = off; i < off + d; i++) s += v[i] * v[i];
        return Math.sqrt(s);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box–Muller; 1 − U avoids log(0)
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
