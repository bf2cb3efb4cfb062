package org.marginmax.kkt;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.model.BiasMode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Euler's identity for L-homogeneous networks, ⟨θ, ∇q_a(θ)⟩ = L·q_a(θ), for the per-pair gradients DL4J's backprop
 * gives (it fails on a wrong gradient or a wrong L), and the Gram matrix of {@link PairGram} (dense-layer shortcut
 * (x_a·x_b)(δ_a·δ_b)) against inner products of the explicit per-pair gradients.
 */
class GradientIdentitiesTest {

    @Test
    void eulerIdentityForTheMlp() {
        MultiLayerNetwork mlp = KktNets.mlp(12, List.of(16, 9), BiasMode.FIRST_LAYER, 4, 3);
        checkEuler(KktNetwork.of(mlp), KktNets.inputs(7, 5, 12), 3);
    }

    @Test
    void eulerIdentityForTheCnn() {
        checkEuler(KktNetwork.of(KktNets.cnn(BiasMode.FIRST_LAYER, 4)), KktNets.inputs(8, 3, 1, 8, 8), 4);
    }

    @Test
    void eulerIdentityForABinaryMlp() {
        checkEuler(KktNetwork.of(KktNets.mlp(6, List.of(7, 5, 4), BiasMode.NONE, 1, 5)), KktNets.inputs(9, 6, 6), 4);
    }

    private static void checkEuler(KktNetwork net, INDArray x, int order) {
        assertThat(net.order()).isEqualTo(order);
        INDArray theta = net.theta();
        double[] z = net.logits(x, 100);
        int c = net.outputs();
        for (int n = 0; n < x.size(0); n++) {
            int y = c == 1 ? (n % 2 == 0 ? 1 : -1) : n % c;
            for (int j = 0; j < c; j++) {
                if (c > 1 && j == y) continue;
                double q = c == 1 ? y * z[n] : z[n * c + y] - z[n * c + j];
                INDArray g = net.gradient(KktNetwork.rows(x, n, n + 1), KktNets.pairEpsilon(c, y, j));
                double lhs = KktNets.dot(theta, g);
                assertThat(Math.abs(lhs - order * q)).as("example %d class %d: <θ,∇q> = %s, L·q = %s", n, j, lhs, order * q)
                        .isLessThanOrEqualTo(1e-8 * Math.abs(order * q));
                if (c == 1) break;
            }
        }
    }

    @Test
    void gramMatrixOfTheMlpMatchesExplicitGradients() {
        checkGram(KktNetwork.of(KktNets.mlp(10, List.of(8, 6), BiasMode.FIRST_LAYER, 3, 11)), KktNets.inputs(3, 4, 10));
    }

    @Test
    void gramMatrixOfTheCnnMatchesExplicitGradients() {
        checkGram(KktNetwork.of(KktNets.cnn(BiasMode.FIRST_LAYER, 12)), KktNets.inputs(4, 3, 1, 8, 8));
    }

    private static void checkGram(KktNetwork net, INDArray x) {
        int c = net.outputs();
        List<int[]> pairs = new ArrayList<>();
        for (int n = 0; n < x.size(0); n++) for (int j = 0; j < c; j++) if (j != n % c && (n + j) % 2 == 0) pairs.add(new int[]{n, j});
        int p = pairs.size();
        int[] example = pairs.stream().mapToInt(a -> a[0]).toArray();
        INDArray eps = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, p, c);
        List<INDArray> grads = new ArrayList<>();
        for (int a = 0; a < p; a++) {
            int n = pairs.get(a)[0];
            INDArray e = KktNets.pairEpsilon(c, n % c, pairs.get(a)[1]);
            eps.putRow(a, e);
            grads.add(net.gradient(KktNetwork.rows(x, n, n + 1), e));
        }
        INDArray theta = net.theta();
        PairGram.Result r = PairGram.compute(net, x, example, eps, theta, 2, null);
        for (int a = 0; a < p; a++) {
            assertThat(r.b()[a]).isCloseTo(KktNets.dot(theta, grads.get(a)), org.assertj.core.data.Offset.offset(1e-10 * Math.abs(r.b()[a]) + 1e-14));
            for (int b = 0; b < p; b++) {
                double want = KktNets.dot(grads.get(a), grads.get(b));
                assertThat(Math.abs(r.k()[a * p + b] - want)).as("K[%d][%d]", a, b)
                        .isLessThanOrEqualTo(1e-9 * Math.sqrt(KktNets.dot(grads.get(a), grads.get(a)) * KktNets.dot(grads.get(b), grads.get(b))));
            }
        }
    }

    @Test
    void biasEverywhereIsRefused() {
        assertThatThrownBy(() -> KktNetwork.of(KktNets.mlp(4, List.of(3), BiasMode.ALL, 2, 1)))
                .isInstanceOf(org.marginmax.io.UserInputException.class).hasMessageContaining("not homogeneous");
    }
}
