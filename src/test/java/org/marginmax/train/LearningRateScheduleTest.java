package org.marginmax.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.marginmax.train.LearningRateSchedule.Decision.ACCEPT;
import static org.marginmax.train.LearningRateSchedule.Decision.REJECT;
import static org.marginmax.train.LearningRateSchedule.Decision.STOP;

class LearningRateScheduleTest {

    @Test void lossBasedGrowsOnAcceptAndShrinksOnReject() {
        double a1 = Math.pow(2, 0.2), a2 = Math.pow(2, 0.1);
        LossBasedLearningRate s = new LossBasedLearningRate(0.1, a1, a2, 1e-50);
        assertThat(s.frameLearningRate(-1234)).isEqualTo(0.1); // frame units: independent of the frame
        assertThat(s.afterEpoch(-0.5)).isEqualTo(ACCEPT);
        assertThat(s.lr()).isCloseTo(0.1 * a1, within(1e-15));
        assertThat(s.afterEpoch(0.0)).isEqualTo(ACCEPT); // "did not increase" is a go
        assertThat(s.afterEpoch(1e-12)).isEqualTo(REJECT);
        assertThat(s.lr()).isCloseTo(0.1 * a1 * a1 / a2, within(1e-15));
        assertThat(s.afterEpoch(Double.NaN)).isEqualTo(REJECT);
        assertThat(s.afterEpoch(Double.POSITIVE_INFINITY)).isEqualTo(REJECT);
    }

    @Test void lossBasedStopsBelowMinLr() {
        LossBasedLearningRate s = new LossBasedLearningRate(1e-3, 2, 10, 1e-5);
        assertThat(s.afterEpoch(1)).isEqualTo(REJECT);
        assertThat(s.afterEpoch(1)).isEqualTo(REJECT);
        assertThat(s.afterEpoch(1)).isEqualTo(STOP);
        assertThat(s.stopReason()).contains("min_lr");
    }

    @Test void constantKeepsTheRealRateFixed() {
        ConstantLearningRate s = new ConstantLearningRate(0.01);
        // real rate = frame rate * exp(-logFrame)
        for (double logFrame : new double[]{0, -5, -50}) {
            assertThat(s.frameLearningRate(logFrame) * Math.exp(-logFrame)).isCloseTo(0.01, within(1e-15));
        }
        assertThat(s.afterEpoch(0.3)).isEqualTo(ACCEPT);
        assertThat(s.afterEpoch(Double.NaN)).isEqualTo(STOP);
        assertThat(s.stopReason()).contains("NaN");
    }
}
