package org.marginmax.kkt;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.marginmax.loss.LossKind;
import org.marginmax.model.BiasMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * L = 1, exact: the hard-margin SVM solution w* loaded into a bias-free linear net is a KKT point; the NNLS
 * multipliers must be the SVM's dual variables α (solved separately), since q_min(w*) = 1 is the SVM's own scaling.
 */
class LinearSvmKktTest {
    static final int N = 30, D = 5;

    @Test
    void theSvmSolutionIsAKktPointWithTheDualAsMultipliers() {
        Random rnd = new Random(7);
        double[][] x = new double[N][D];
        double[] y = new double[N];
        int[] labels = new int[N];
        double[] truth = {1, -1, 0.5, 2, -0.7};
        for (int n = 0; n < N; n++) {
            double s;
            do {
                for (int d = 0; d < D; d++) x[n][d] = rnd.nextGaussian();
                s = 0;
                for (int d = 0; d < D; d++) s += truth[d] * x[n][d];
            } while (Math.abs(s) < 0.5);
            y[n] = Math.signum(s);
            labels[n] = (int) y[n];
        }
        double[] w = Svm.primal(x, y);
        double[] alpha = Svm.dual(x, y);

        MultiLayerNetwork net = KktNets.mlp(D, List.of(), BiasMode.NONE, 1, 1);
        net.getLayer(0).getParam("W").assign(Nd4j.create(w, new long[]{D, 1}, DataType.DOUBLE));
        KktAnalysis.Result r = new KktAnalysis(new KktAnalysis.Settings(1e-6, 100)).analyse(KktNetwork.of(net),
                LossKind.LOGISTIC, Nd4j.create(x), labels, null, null, s -> {});

        assertThat(r.separated()).isTrue();
        assertThat(r.qMin()).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-6));
        double[] lambda = new double[N];
        for (KktAnalysis.Pair p : r.pairs()) lambda[p.example()] = p.lambda();
        int supports = 0;
        double alphaMax = java.util.Arrays.stream(alpha).max().orElseThrow();
        for (int n = 0; n < N; n++) { // to 1e-6 relative: ojAlgo's two QPs agree with each other to about that
            assertThat(lambda[n]).as("λ_%d vs α_%d", n, n).isCloseTo(alpha[n], org.assertj.core.data.Offset.offset(1e-6 * alphaMax));
            if (alpha[n] > 1e-6) supports++;
        }
        assertThat(supports).as("support vectors").isGreaterThan(1);
        assertThat(r.kktPairs()).isEqualTo(supports);
        assertThat(r.kktEps()).isLessThan(1e-7);
        assertThat(r.kktDelta()).isLessThan(1e-7);
        assertThat(r.nnlsConverged()).isTrue();
        // at a KKT point Σλ = ‖θ̃‖² / L
        assertThat(r.kktLambdaSum()).isCloseTo(r.thetaNormSqOverL(), org.assertj.core.data.Percentage.withPercentage(1e-4));
    }
}
