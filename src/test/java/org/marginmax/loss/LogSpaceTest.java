package org.marginmax.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogSpaceTest {

    @Test
    void log1pExpMatchesTheDefinitionAndStaysFiniteAtTheExtremes() {
        for (double t : new double[] {-20, -3, -0.5, 0, 0.7, 4, 25})
            assertThat(LogSpace.log1pExp(t)).isCloseTo(Math.log(1 + Math.exp(t)), within(1e-14 * Math.max(1, Math.abs(t)) + 1e-22));
        assertThat(LogSpace.log1pExp(1000)).isEqualTo(1000.0);
        assertThat(LogSpace.log1pExp(-1000)).isEqualTo(0.0);
        assertThat(LogSpace.log1pExp(-700)).isCloseTo(Math.exp(-700), within(1e-15 * Math.exp(-700)));
    }

    @Test
    void logSoftplusIsTMinusHalfExpTForVeryNegativeT() {
        assertThat(LogSpace.logSoftplus(-1000)).isEqualTo(-1000.0);
        assertThat(LogSpace.logSoftplus(-2500)).isEqualTo(-2500.0);
        double t = -35;
        assertThat(LogSpace.logSoftplus(t)).isCloseTo(t - Math.exp(t) / 2, within(1e-13));
        // where the direct formula is still accurate, both branches agree with it
        for (double s : new double[] {-29.9, -30.1, -10, 0, 3, 50})
            assertThat(LogSpace.logSoftplus(s)).isCloseTo(Math.log(Math.log1p(Math.exp(s))), within(1e-12 * Math.max(1, Math.abs(s))));
    }

    @Test
    void logSigmoidIsLogOfTheSigmoid() {
        for (double t : new double[] {-30, -2, 0, 1.5, 30})
            assertThat(LogSpace.logSigmoid(t)).isCloseTo(Math.log(1 / (1 + Math.exp(-t))), within(1e-13));
        assertThat(LogSpace.logSigmoid(-1000)).isEqualTo(-1000.0);
    }

    @Test
    void logSumExpMatchesTheNaiveSumAndHandlesHugeOffsets() {
        double[] a = {0.3, -1.2, 2.5, 0.0};
        double naive = Math.log(Math.exp(0.3) + Math.exp(-1.2) + Math.exp(2.5) + 1);
        assertThat(LogSpace.logSumExp(a)).isCloseTo(naive, within(1e-14));
        double[] shifted = {0.3 - 3000, -1.2 - 3000, 2.5 - 3000, -3000};
        assertThat(LogSpace.logSumExp(shifted)).isCloseTo(naive - 3000, within(1e-11));
        assertThat(LogSpace.logSumExp(a, 1, 3)).isCloseTo(Math.log(Math.exp(-1.2) + Math.exp(2.5)), within(1e-14));
        assertThat(LogSpace.logSumExp(new double[0])).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(LogSpace.logSumExp(new double[] {Double.NEGATIVE_INFINITY, -5})).isEqualTo(-5.0);
        assertThat(LogSpace.logMeanExp(shifted)).isCloseTo(naive - 3000 - Math.log(4), within(1e-11));
    }

    @Test
    void logAddExpAccumulatesLikeLogSumExp() {
        double[] a = {-2000, -2001.5, -1999.25};
        double acc = Double.NEGATIVE_INFINITY;
        for (double x : a) acc = LogSpace.logAddExp(acc, x);
        assertThat(acc).isCloseTo(LogSpace.logSumExp(a), within(1e-11));
    }

    @Test
    void logExpm1CoversTinyModerateAndLargeArguments() {
        for (double x : new double[] {1e-5, 0.1, 0.69, 3, 20})
            assertThat(LogSpace.logExpm1(Math.log(x))).isCloseTo(Math.log(Math.expm1(x)), within(1e-13));
        double logX = -35;
        assertThat(LogSpace.logExpm1(logX)).isCloseTo(logX + Math.exp(logX) / 2, within(1e-14));
        assertThat(LogSpace.logExpm1(Math.log(40))).isCloseTo(40 + Math.log1p(-Math.exp(-40)), within(1e-13));
        assertThat(LogSpace.logExpm1(-921)).isEqualTo(-921.0);
    }
}
