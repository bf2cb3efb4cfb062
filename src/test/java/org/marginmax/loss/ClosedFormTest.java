package org.marginmax.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.marginmax.loss.LossFixtures.IDENTITY;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Hand-picked logits with known answers. */
class ClosedFormTest {

    private static double softplus(double x) { return Math.log1p(Math.exp(x)); }

    @Test
    void twoClassCrossEntropyIsSoftplusOfTheOtherMinusTheCorrectLogit() {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        double[] f = {1.5, -0.25, 0.3, 2.0};  // example 0: label 0; example 1: label 1
        INDArray scores = ce.computeScoreArray(LossFixtures.labelArray(LossKind.CROSS_ENTROPY, new int[] {0, 1}, 2),
                LossFixtures.matrix(f, 2, 2), IDENTITY, null);
        assertThat(scores.getDouble(0, 0)).isCloseTo(softplus(-0.25 - 1.5), within(1e-15));
        assertThat(scores.getDouble(1, 0)).isCloseTo(softplus(0.3 - 2.0), within(1e-15));
        assertThat(ce.margin(new double[] {1.5, -0.25}, 0)).isEqualTo(1.75);
        assertThat(ce.logLoss(new double[] {1.5, -0.25}, 0)).isCloseTo(Math.log(softplus(-1.75)), within(1e-15));
    }

    @Test
    void threeClassCrossEntropyGradientIsSoftmaxMinusOneHot() {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        double[] f = {0.2, 1.1, -0.7};
        double z = Math.exp(0.2) + Math.exp(1.1) + Math.exp(-0.7);
        INDArray labels = LossFixtures.labelArray(LossKind.CROSS_ENTROPY, new int[] {1}, 3);
        double[] g = MarginLosses.rowMajor(ce.computeGradient(labels, LossFixtures.matrix(f, 1, 3), IDENTITY, null));
        assertThat(g[0]).isCloseTo(Math.exp(0.2) / z, within(1e-15));
        assertThat(g[1]).isCloseTo(Math.exp(1.1) / z - 1, within(1e-15));
        assertThat(g[2]).isCloseTo(Math.exp(-0.7) / z, within(1e-15));
        assertThat(ce.computeScore(labels, LossFixtures.matrix(f, 1, 3), IDENTITY, null, false))
                .isCloseTo(Math.log(z) - 1.1, within(1e-15));
        assertThat(ce.margin(f, 1)).isCloseTo(0.9, within(1e-15));
        assertThat(ce.margin(f, 2)).isCloseTo(-1.8, within(1e-15));
    }

    @Test
    void binaryLossesOnOneOutputUnit() {
        double[] f = {0.8, -2.0, 0.5};
        int[] y = {1, 1, -1};
        INDArray labels = LossFixtures.labelArray(LossKind.LOGISTIC, y, 1);
        INDArray logits = LossFixtures.matrix(f, 3, 1);
        double[] logistic = MarginLosses.rowMajor(new LogisticLoss().computeScoreArray(labels, logits, IDENTITY, null));
        double[] exponential = MarginLosses.rowMajor(new ExponentialLoss().computeScoreArray(labels, logits, IDENTITY, null));
        double[] gLogistic = MarginLosses.rowMajor(new LogisticLoss().computeGradient(labels, logits, IDENTITY, null));
        double[] gExponential = MarginLosses.rowMajor(new ExponentialLoss().computeGradient(labels, logits, IDENTITY, null));
        for (int n = 0; n < 3; n++) {
            double q = y[n] * f[n];
            assertThat(logistic[n]).isCloseTo(softplus(-q), within(1e-15));
            assertThat(exponential[n]).isCloseTo(Math.exp(-q), within(1e-15));
            assertThat(gLogistic[n]).isCloseTo(-y[n] / (1 + Math.exp(q)), within(1e-15));
            assertThat(gExponential[n]).isCloseTo(-y[n] * Math.exp(-q), within(1e-15));
            assertThat(new LogisticLoss().margin(f, n, 1, y[n])).isEqualTo(q);
            assertThat(new ExponentialLoss().logLoss(f, n, 1, y[n])).isEqualTo(-q);
        }
    }

    @Test
    void batchVariantsAgreeWithTheSingleExampleOnes() {
        double[] f = {0.2, 1.1, -0.7, 3.0, -1.0, 0.5};
        int[] y = {1, 0};
        CrossEntropyLoss ce = new CrossEntropyLoss();
        double[] q = ce.margins(f, 3, y);
        double[] logL = ce.logLosses(f, 3, y);
        assertThat(q).containsExactly(ce.margin(new double[] {0.2, 1.1, -0.7}, 1), ce.margin(new double[] {3.0, -1.0, 0.5}, 0));
        assertThat(logL).containsExactly(ce.logLoss(new double[] {0.2, 1.1, -0.7}, 1), ce.logLoss(new double[] {3.0, -1.0, 0.5}, 0));
        double sum = ce.computeScore(LossFixtures.labelArray(LossKind.CROSS_ENTROPY, y, 3), LossFixtures.matrix(f, 2, 3),
                IDENTITY, null, false);
        assertThat(ce.logTotalLoss(f, 3, y)).isCloseTo(Math.log(sum), within(1e-14));
    }
}
