package org.marginmax.kkt;

import org.junit.jupiter.api.Test;
import org.marginmax.loss.LossKind;
import org.marginmax.loss.MarginLoss;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.BiasMode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-pair gradients, the alignment and scale invariance on a tiny float64 net, against central differences. */
class FiniteDifferenceTest {
    private static final double H = 1e-6;

    @Test
    void perPairGradientsMatchFiniteDifferences() {
        KktNetwork net = KktNetwork.of(KktNets.mlp(4, List.of(5), BiasMode.FIRST_LAYER, 3, 21));
        INDArray x = KktNets.inputs(2, 3, 4);
        INDArray theta = net.theta();
        for (int n = 0; n < 3; n++) {
            int y = n % 3, j = (n + 1) % 3;
            INDArray g = net.gradient(KktNetwork.rows(x, n, n + 1), KktNets.pairEpsilon(3, y, j));
            for (int i = 0; i < theta.length(); i++) {
                int row = n;
                double fd = derivative(net, theta, i, t -> {
                    double[] z = net.logits(x, 10);
                    return z[row * 3 + y] - z[row * 3 + j];
                });
                assertThat(g.getDouble(i)).as("example %d parameter %d", n, i)
                        .isCloseTo(fd, org.assertj.core.data.Offset.offset(1e-7 * Math.max(1, Math.abs(fd))));
            }
        }
    }

    @Test
    void alignmentMatchesTheFiniteDifferenceGradientOfTheLoss() {
        KktNetwork net = KktNetwork.of(KktNets.mlp(4, List.of(5), BiasMode.FIRST_LAYER, 3, 22));
        INDArray x = KktNets.inputs(3, 6, 4);
        int[] y = {0, 1, 2, 0, 1, 2};
        MarginLoss loss = MarginLosses.create(LossKind.CROSS_ENTROPY);
        INDArray theta = net.theta();
        double[] g = new double[(int) theta.length()];
        for (int i = 0; i < g.length; i++)
            g[i] = derivative(net, theta, i, t -> {
                double sum = 0;
                for (double l : loss.logLosses(net.logits(x, 10), 3, y)) sum += Math.exp(l);
                return sum;
            });
        double dot = 0, gg = 0, tt = 0;
        for (int i = 0; i < g.length; i++) {
            dot -= theta.getDouble(i) * g[i];
            gg += g[i] * g[i];
            tt += theta.getDouble(i) * theta.getDouble(i);
        }
        double want = dot / Math.sqrt(gg * tt);
        double got = new KktAnalysis(new KktAnalysis.Settings(0.25, 4)).alignment(net, LossKind.CROSS_ENTROPY, x, y,
                net.logits(x, 10), theta);
        assertThat(got).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(Math.abs(want)).as("a non-trivial check").isGreaterThan(1e-3);
    }

    @Test
    void kktMeasuresAreScaleInvariant() {
        KktNetwork net = KktNetwork.of(KktNets.mlp(6, List.of(8, 8), BiasMode.NONE, 3, 23));
        INDArray x = KktNets.inputs(5, 40, 6);
        int[] y = KktNets.ownLabels(net, x);
        KktAnalysis a = new KktAnalysis(new KktAnalysis.Settings(20, 16));
        KktAnalysis.Result r1 = a.analyse(net, LossKind.CROSS_ENTROPY, x, y, null, null, s -> {});
        net.scale(3.0);
        KktAnalysis.Result r3 = a.analyse(net, LossKind.CROSS_ENTROPY, x, y, null, null, s -> {});
        assertThat(r1.separated()).isTrue();
        assertThat(r1.kktPairs()).isGreaterThan(2).isEqualTo(r3.kktPairs());
        assertThat(r1.kktEps()).isGreaterThan(1e-3);
        assertThat(r3.kktEps()).isCloseTo(r1.kktEps(), org.assertj.core.data.Percentage.withPercentage(1e-6));
        assertThat(r3.normalizedMargin()).isCloseTo(r1.normalizedMargin(), org.assertj.core.data.Percentage.withPercentage(1e-8));
        for (int i = 0; i < r1.pairs().size(); i++)
            assertThat(r3.pairs().get(i).lambda()).isCloseTo(r1.pairs().get(i).lambda(), org.assertj.core.data.Offset.offset(1e-8));
        assertThat(r1.quadraticEps()).as("quadratic form vs direct residual").isCloseTo(r1.kktEps(), org.assertj.core.data.Offset.offset(1e-6));
    }

    /** Central difference of fn at θ along coordinate i (θ restored afterwards). */
    private static double derivative(KktNetwork net, INDArray theta, int i, java.util.function.DoubleUnaryOperator fn) {
        INDArray t = theta.dup();
        double v = t.getDouble(i);
        t.putScalar(i, v + H);
        net.setTheta(t);
        double up = fn.applyAsDouble(0);
        t.putScalar(i, v - H);
        net.setTheta(t);
        double down = fn.applyAsDouble(0);
        net.setTheta(theta);
        return (up - down) / (2 * H);
    }
}
