package org.marginmax.robust;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * On a bias-free linear model the minimal perturbations are known: q/‖w‖₂ in L2 and q/‖w‖₁ in L∞ for a binary model
 * f = w·x with margin q = y·f; min_{k≠y} (f_y − f_k)/‖w_y − w_k‖₂ in L2 for several classes. The points keep their
 * minimal perturbations away from the faces of the [0, 1] box.
 */
class LinearModelAttackTest {
    private static final double[] W = LinearModels.weights(42);

    /** 16 correct points with margins spread over (0.05, 1.2)·… and 2 misclassified ones. */
    private static LinearModels.Points points() {
        SplittableRandom r = new SplittableRandom(9);
        int n = 18;
        double[] t = new double[n];
        boolean[] wrong = new boolean[n];
        for (int i = 0; i < n; i++) t[i] = 0.05 + 1.15 * r.nextDouble();
        wrong[5] = true;
        wrong[12] = true;
        return LinearModels.rounded(W, LinearModels.binaryPoints(W, t, wrong, 3));
    }

    /** Batches of 7 of the 18 points: the streaming of examples through batches is exercised too. */
    private static AttackedModel model() { return new AttackedModel(TinyNets.linear(W), new long[]{LinearModels.D}, 7); }

    @Test
    void pointsAreAsDesigned() {
        LinearModels.Points p = points();
        for (double v : p.x()) assertThat(v).isBetween(0.25, 0.75);
        assertThat(java.util.Arrays.stream(p.margins()).filter(q -> q < 0).count()).isEqualTo(2);
        // the closest misclassified points in L∞ and L2 lie well inside the box, so the box does not bind
        double l1 = LinearModels.l1(W), l2 = LinearModels.l2(W);
        int d = LinearModels.D;
        for (int i = 0; i < p.labels().length; i++) {
            double q = Math.abs(p.margins()[i]);
            int y = p.labels()[i];
            for (int k = 0; k < d; k++) {
                double xi = p.x()[i * d + k];
                assertThat(xi - y * q / l1 * Math.signum(W[k])).isBetween(0.05, 0.95);
                assertThat(xi - y * q / (l2 * l2) * W[k]).isBetween(0.05, 0.95);
            }
        }
    }

    @Test
    void pgdLinfBreaksExactlyThePointsWhoseBoundIsBelowEpsilon() {
        LinearModels.Points p = points();
        double[] eps = {0, 0.01, 0.02, 0.03, 0.05, 0.07, 0.09, 0.11, 0.13};
        double[] broken = new PgdLinf(new ProjectedGradientAttack.Settings(100, 0.1, 1, 5))
                .brokenAt(model(), LinearModels.examples(p), eps, AttackProgress.NONE);
        double l1 = LinearModels.l1(W);
        for (int i = 0; i < broken.length; i++) {
            double q = p.margins()[i];
            if (q <= 0) {
                assertThat(broken[i]).as("misclassified point %d", i).isEqualTo(0);
                continue;
            }
            double bound = q / l1, expected = Double.POSITIVE_INFINITY;
            for (double e : eps) if (e >= bound) { expected = e; break; }
            assertThat(broken[i]).as("point %d with L-inf bound %.5f", i, bound).isEqualTo(expected);
        }
        // the design spreads the bounds over the list: some points break at each of several ε, some never
        assertThat(java.util.Arrays.stream(broken).distinct().count()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void pgdL2BreaksThePointsWhoseBoundIsBelowEpsilonWithinStepSlack() {
        LinearModels.Points p = points();
        double l2 = LinearModels.l2(W);
        for (double eps : new double[]{0.1, 0.2, 0.3}) {
            ProjectedGradientAttack.Outcome o = new PgdL2(new ProjectedGradientAttack.Settings(100, 0.1, 1, 5))
                    .attack(model(), LinearModels.examples(p), eps);
            int flipped = 0;
            for (int i = 0; i < p.labels().length; i++) {
                double bound = p.margins()[i] / l2;
                if (bound < 0.99 * eps) assertThat(o.fooled()[i]).as("eps %.2f, point %d, bound %.4f", eps, i, bound).isTrue();
                if (bound > eps) assertThat(o.fooled()[i]).as("eps %.2f, point %d, bound %.4f", eps, i, bound).isFalse();
                if (o.fooled()[i] && bound > 0) flipped++;
            }
            assertThat(flipped).isPositive();
        }
    }

    @Test
    void deepFoolFindsTheMinimalL2PerturbationWithinOnePercent() {
        LinearModels.Points p = points();
        double[] norms = new DeepFool(DeepFool.Settings.defaults())
                .brokenAt(model(), LinearModels.examples(p), new double[0], AttackProgress.NONE);
        assertMinimal(p, norms, 0.01);
    }

    /** Without the bisection, one DeepFool step lands at (1 + overshoot)·(q + 10⁻⁴)/‖w‖₂ on a linear model. */
    @Test
    void plainDeepFoolOvershootsByItsOvershoot() {
        LinearModels.Points p = points();
        double[] norms = new DeepFool(new DeepFool.Settings(50, 0.02, 0))
                .brokenAt(model(), LinearModels.examples(p), new double[0], AttackProgress.NONE);
        double l2 = LinearModels.l2(W);
        for (int i = 0; i < norms.length; i++) {
            double q = p.margins()[i];
            if (q > 0) assertThat(norms[i]).isCloseTo(1.02 * (q + 1e-4) / l2, within(1e-9));
        }
    }

    @Test
    void carliniWagnerFindsTheMinimalL2PerturbationWithinOnePercent() {
        LinearModels.Points p = points();
        double[] norms = new CarliniWagnerL2(new CarliniWagnerL2.Settings(9, 1000, 1e-3, 0.01, 0, true))
                .brokenAt(model(), LinearModels.examples(p), new double[0], AttackProgress.NONE);
        assertMinimal(p, norms, 0.01);
    }

    @Test
    void bothMinimalAttacksMatchTheClosedFormForSeveralClasses() {
        int classes = 3;
        SplittableRandom r = new SplittableRandom(4);
        double[] w = new double[LinearModels.D * classes];
        for (int i = 0; i < w.length; i++) w[i] = 2 * r.nextDouble() - 1;
        // candidate points in [0.35, 0.65]^d, kept if their minimal perturbation is in [0.03, 0.3]: far from the box,
        // and not below the resolution of Adam's steps (lr 0.01 in tanh space moves x' by up to 0.005 a coordinate)
        int n = 12, d = LinearModels.D;
        double[] candidates = TinyNets.uniform(20 * n, d, 0.35, 0.65, 6);
        double[] x = new double[n * d];
        int[] labels = new int[n];
        double[] minimal = new double[n];
        for (int i = 0, c = 0; i < n; c++) {
            for (int j = 0; j < d; j++) x[i * d + j] = (float) candidates[c * d + j];
            double[] f = new double[classes];
            for (int k = 0; k < classes; k++)
                for (int j = 0; j < LinearModels.D; j++) f[k] += x[i * LinearModels.D + j] * w[j * classes + k];
            int y = 0;
            for (int k = 1; k < classes; k++) if (f[k] > f[y]) y = k;
            labels[i] = y;
            minimal[i] = Double.POSITIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                if (k == y) continue;
                double dist = 0;
                for (int j = 0; j < LinearModels.D; j++) {
                    double dw = w[j * classes + y] - w[j * classes + k];
                    dist += dw * dw;
                }
                minimal[i] = Math.min(minimal[i], (f[y] - f[k]) / Math.sqrt(dist));
            }
            if (minimal[i] >= 0.03 && minimal[i] <= 0.3) i++;
        }
        AttackedModel model = new AttackedModel(LinearModels.multiClass(w, classes), new long[]{LinearModels.D}, 100);
        Examples ex = new Examples(TinyNets.toFloat(x), labels, LinearModels.D);
        double[] deepFool = new DeepFool(DeepFool.Settings.defaults()).brokenAt(model, ex, new double[0], AttackProgress.NONE);
        double[] cw = new CarliniWagnerL2(CarliniWagnerL2.Settings.defaults()).brokenAt(model, ex, new double[0], AttackProgress.NONE);
        for (int i = 0; i < n; i++) {
            assertThat(deepFool[i]).as("DeepFool, point %d", i).isBetween(minimal[i], minimal[i] * 1.01);
            assertThat(cw[i]).as("CW, point %d", i).isBetween(minimal[i], minimal[i] * 1.01);
        }
    }

    /** No perturbation can be below the minimum; the attack must come within {@code rel} of it. */
    private static void assertMinimal(LinearModels.Points p, double[] norms, double rel) {
        double l2 = LinearModels.l2(W);
        for (int i = 0; i < norms.length; i++) {
            double q = p.margins()[i];
            if (q <= 0) {
                assertThat(norms[i]).as("misclassified point %d", i).isEqualTo(0);
            } else {
                double minimal = q / l2;
                assertThat(norms[i]).as("point %d: minimal %.6f", i, minimal)
                        .isGreaterThanOrEqualTo(minimal * (1 - 1e-9)).isLessThanOrEqualTo(minimal * (1 + rel));
            }
        }
    }
}
