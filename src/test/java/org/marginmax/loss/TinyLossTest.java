package org.marginmax.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.marginmax.loss.LossFixtures.IDENTITY;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Losses below 1e-400, far under float64's range: log space and the frame keep them (protocol B, E). */
class TinyLossTest {

    @Test
    void crossEntropyLogLossAndFramedGradientAtMargin1000() {
        // 10 classes, correct logit 1000 above the nine others (which differ among themselves)
        double[] f = new double[10];
        for (int j = 0; j < 10; j++) f[j] = 0.1 * j;
        int y = 3;
        f[y] += 1000;
        double t = LogSpace.logSumExp(wrongMinusCorrect(f, y));
        double exactLogLoss = t; // log softplus(t) = t - e^t/2 and e^t ≈ 1e-434 vanishes
        CrossEntropyLoss ce = new CrossEntropyLoss();
        assertThat(ce.logLoss(f, y)).isCloseTo(exactLogLoss, within(1e-12)).isLessThan(-400 * Math.log(10));
        assertThat(ce.margin(f, y)).isCloseTo(1000 + 0.3 - 0.9, within(1e-12));

        ce.setLogFrame(exactLogLoss);
        INDArray labels = LossFixtures.labelArray(LossKind.CROSS_ENTROPY, new int[] {y}, 10);
        INDArray logits = LossFixtures.matrix(f, 1, 10);
        assertThat(ce.computeScore(labels, logits, IDENTITY, null, false)).isCloseTo(1.0, within(1e-12));
        double[] g = MarginLosses.rowMajor(ce.computeGradient(labels, logits, IDENTITY, null));
        double sumWrong = 0;
        for (int j = 0; j < 10; j++) {
            assertThat(g[j]).isFinite().isNotZero();
            if (j == y) continue;
            // true gradient softmax_j = e^{f_j - f_y} / (1 + e^t), scaled by e^{-logFrame}
            assertThat(g[j]).isCloseTo(Math.exp(f[j] - f[y] - exactLogLoss), within(1e-12));
            sumWrong += g[j];
        }
        assertThat(sumWrong).isCloseTo(1.0, within(1e-12));
        assertThat(g[y]).isCloseTo(-1.0, within(1e-12));
    }

    @Test
    void binaryLossesAtMargin1000WithTheFrameSetToTheLogLoss() {
        double[] f = {1000.0, -1200.0};
        int[] y = {1, -1};
        INDArray labels = LossFixtures.labelArray(LossKind.LOGISTIC, y, 1);
        INDArray logits = LossFixtures.matrix(f, 2, 1);
        for (BinaryLoss loss : new BinaryLoss[] {new LogisticLoss(), new ExponentialLoss()}) {
            assertThat(loss.logLoss(f, 0, 1, 1)).isEqualTo(-1000.0);
            assertThat(loss.logLoss(f, 1, 1, -1)).isEqualTo(-1200.0);
            double logTotal = loss.logTotalLoss(f, 1, y);
            assertThat(logTotal).isCloseTo(-1000.0, within(1e-12));

            loss.setLogFrame(logTotal);
            double[] g = MarginLosses.rowMajor(loss.computeGradient(labels, logits, IDENTITY, null));
            // dℓ/df = -y e^{-q} for q ≫ 0, divided by e^{logFrame}
            assertThat(g[0]).isCloseTo(-Math.exp(-1000 - logTotal), within(1e-12)).isNotZero();
            assertThat(g[1]).isCloseTo(Math.exp(-1200 - logTotal), within(1e-95)).isPositive();
            assertThat(loss.computeScore(labels, logits, IDENTITY, null, false)).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void withoutTheFrameTheTrueLossUnderflowsToZero() {
        // the failure mode the frame exists for (protocol E): same batch, logFrame 0
        double[] f = {1000.0};
        INDArray labels = LossFixtures.labelArray(LossKind.LOGISTIC, new int[] {1}, 1);
        assertThat(new LogisticLoss().computeScore(labels, LossFixtures.matrix(f, 1, 1), IDENTITY, null, false)).isZero();
    }

    private static double[] wrongMinusCorrect(double[] f, int y) {
        double[] d = new double[f.length - 1];
        for (int j = 0, k = 0; j < f.length; j++) if (j != y) d[k++] = f[j] - f[y];
        return d;
    }
}
