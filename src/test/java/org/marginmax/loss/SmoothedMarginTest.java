package org.marginmax.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** g(log 1/ℒ), the numerator of the smoothed normalized margin (protocol A). */
class SmoothedMarginTest {

    private final MarginLoss logistic = new LogisticLoss();
    private final MarginLoss crossEntropy = new CrossEntropyLoss();
    private final MarginLoss exponential = new ExponentialLoss();

    @Test
    void logisticAndCrossEntropyMatchMinusLogExpm1ForModerateLoss() {
        for (double total : new double[] {0.01, 0.1, 0.5, 0.69}) {
            double expected = -Math.log(Math.expm1(total));
            assertThat(logistic.smoothedMarginNumerator(Math.log(total))).isCloseTo(expected, within(1e-13));
            assertThat(crossEntropy.smoothedMarginNumerator(Math.log(total))).isCloseTo(expected, within(1e-13));
        }
    }

    @Test
    void smallLossFollowsTheAsymptoteMinusLogLMinusHalfL() {
        double total = 1e-12;
        assertThat(logistic.smoothedMarginNumerator(Math.log(total)))
                .isCloseTo(-Math.log(Math.expm1(total)), within(1e-12))
                .isCloseTo(-Math.log(total) - total / 2, within(1e-12));
        double logTotal = -400 * Math.log(10); // ℒ = 1e-400, not representable as a double
        assertThat(logistic.smoothedMarginNumerator(logTotal)).isCloseTo(-logTotal, within(1e-12 * -logTotal));
        assertThat(crossEntropy.smoothedMarginNumerator(logTotal)).isEqualTo(-logTotal);
    }

    @Test
    void undefinedOnceTheLossReachesLog2() {
        for (double total : new double[] {Math.log(2), 0.7, 1.0, 50.0}) {
            assertThat(logistic.smoothedMarginNumerator(Math.log(total))).isNaN();
            assertThat(crossEntropy.smoothedMarginNumerator(Math.log(total))).isNaN();
        }
        assertThat(logistic.smoothedMarginNumerator(Math.log(Math.log(2)) - 1e-9)).isFinite().isPositive();
    }

    @Test
    void exponentialIsMinusLogL() {
        assertThat(exponential.smoothedMarginNumerator(-921.0)).isEqualTo(921.0);
        assertThat(exponential.smoothedMarginNumerator(Math.log(3.0))).isEqualTo(-Math.log(3.0));
    }
}
