package org.marginmax.train;

import org.junit.jupiter.api.Test;
import org.marginmax.config.LearningRateSpec;
import org.marginmax.io.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.marginmax.train.LearningRateSchedule.Decision.ACCEPT;
import static org.marginmax.train.LearningRateSchedule.Decision.REJECT;
import static org.marginmax.train.LearningRateSchedule.Decision.STOP;

/** The predictive schedule against its closed form: the authors' rule, then lr = c·(q_s/q)^k. */
class PredictiveLearningRateTest {
    static final double A1 = Math.pow(2, 0.2), A2 = Math.pow(2, 0.1), G = Math.pow(2, 0.02), S = Math.pow(2, 0.25);
    static final double K = 2, QS = 2 * Math.log(10); // switch below log10 loss -2

    static PredictiveLearningRate schedule() { return new PredictiveLearningRate(0.1, A1, A2, 1e-50, K, G, S, -2); }

    @Test void beforeTheSwitchItIsTheAuthorsRule() {
        PredictiveLearningRate s = schedule();
        assertThat(s.frameLearningRate(-1.0)).isEqualTo(0.1);
        assertThat(s.afterEpoch(-0.5)).isEqualTo(ACCEPT); // loss e^-1.5: still above 1e-2
        assertThat(s.frameLearningRate(-1.5)).isCloseTo(0.1 * A1, within(1e-15));
        assertThat(s.afterEpoch(0.2)).isEqualTo(REJECT);
        assertThat(s.frameLearningRate(-1.5)).isCloseTo(0.1 * A1 / A2, within(1e-15));
    }

    @Test void theSwitchKeepsTheRateAndThenFollowsQToTheMinusK() {
        PredictiveLearningRate s = schedule();
        s.frameLearningRate(-4.0);
        assertThat(s.afterEpoch(-1.0)).isEqualTo(ACCEPT); // log loss -5 < -2 ln 10 = -4.61: switched
        double lr1 = 0.1 * A1;                            // what the authors' rule gives next
        assertThat(s.frameLearningRate(-5.0)).isCloseTo(lr1, within(1e-15));
        double c = lr1 * Math.pow(5.0 / QS, K);
        assertThat(s.lr()).isCloseTo(c, within(1e-15));
        // kept epochs: c grows by G; the rate falls like q^-k
        assertThat(s.afterEpoch(-3.0)).isEqualTo(ACCEPT);
        assertThat(s.frameLearningRate(-8.0)).isCloseTo(c * G * Math.pow(QS / 8.0, K), within(1e-15));
        // a rejected epoch: c shrinks by S, the frame stays
        assertThat(s.afterEpoch(1e-9)).isEqualTo(REJECT);
        assertThat(s.frameLearningRate(-8.0)).isCloseTo(c * G / S * Math.pow(QS / 8.0, K), within(1e-15));
        assertThat(s.afterEpoch(Double.POSITIVE_INFINITY)).isEqualTo(REJECT);
        assertThat(s.afterEpoch(Double.NaN)).isEqualTo(REJECT);
        assertThat(s.frameLearningRate(-8.0)).isCloseTo(c * G / (S * S * S) * Math.pow(QS / 8.0, K), within(1e-15));
    }

    @Test void restoreGivesTheSameRatesOnBothSidesOfTheSwitch() {
        // checkpointed after the switch (log loss -6) and before it (log loss -1, the switch comes at -5)
        for (double[] run : new double[][]{{-4.0, -2.0, -0.25}, {0.0, -1.0, -4.0}}) {
            PredictiveLearningRate a = schedule(), b = schedule();
            a.frameLearningRate(run[0]);
            a.afterEpoch(run[1]);
            double frame = run[0] + run[1];
            b.restore(a.lr(), frame);
            for (int epoch = 0; epoch < 3; epoch++) {
                assertThat(b.frameLearningRate(frame)).as("frame " + frame).isEqualTo(a.frameLearningRate(frame));
                assertThat(b.afterEpoch(run[2])).isEqualTo(a.afterEpoch(run[2]));
                assertThat(b.lr()).isEqualTo(a.lr());
                frame += run[2];
            }
        }
    }

    @Test void aRunStartingUnderTheSwitchIsSwitchedFromItsFirstFrameAndResumesSo() {
        PredictiveLearningRate a = schedule();
        assertThat(a.frameLearningRate(-6.0)).isCloseTo(0.1, within(1e-15)); // lr0, now as c·(q_s/6)^k
        PredictiveLearningRate b = schedule();
        b.restore(a.lr(), -6.0); // the epoch-0 checkpoint
        for (double f = -6.0; f > -7.0; f -= 0.25) {
            assertThat(b.frameLearningRate(f)).isEqualTo(a.frameLearningRate(f));
            assertThat(b.afterEpoch(-0.25)).isEqualTo(a.afterEpoch(-0.25));
        }
        assertThat(a.frameLearningRate(-7.0)).isCloseTo(0.1 * G * G * G * G * Math.pow(6.0 / 7.0, K), within(1e-15));
    }

    @Test void stopsWhenTheRateFallsBelowMinLrAfterTheSwitch() {
        PredictiveLearningRate s = new PredictiveLearningRate(1e-3, A1, A2, 5e-6, K, G, 10, -2);
        s.frameLearningRate(-10);
        assertThat(s.afterEpoch(1)).isEqualTo(REJECT);
        assertThat(s.afterEpoch(1)).isEqualTo(REJECT);
        assertThat(s.afterEpoch(1)).isEqualTo(STOP);
        assertThat(s.stopReason()).contains("predictive learning rate fell");
    }

    @Test void stopsWhenTheRateFallsBelowMinLr() {
        PredictiveLearningRate s = new PredictiveLearningRate(1e-3, A1, 10, 1e-5, K, G, S, -2);
        s.frameLearningRate(-1);
        assertThat(s.afterEpoch(1)).isEqualTo(REJECT);
        assertThat(s.afterEpoch(1)).isEqualTo(REJECT);
        assertThat(s.afterEpoch(1)).isEqualTo(STOP);
        assertThat(s.stopReason()).contains("min_lr");
    }

    @Test void thePredictiveKeysBelongToThePredictiveScheduleAndLeaveOtherHashesAlone() throws Exception {
        LearningRateSpec p = new LearningRateSpec("predictive", 0.1, null, null, null, null, null, null, null, null);
        assertThat(p.switchBelow()).isEqualTo(-2.0);
        assertThat(p.exponent()).isEqualTo(2.0);
        assertThat(p.growth()).isEqualTo(Math.pow(2, 1.0 / 25));
        assertThat(p.shrink()).isEqualTo(Math.pow(2, 1.0 / 10));
        assertThat(p.lossBased()).as("judged every epoch by the loss").isTrue();
        assertThatThrownBy(() -> new LearningRateSpec("loss-based", 0.1, null, null, null, null, -3.0, null, null, null))
                .hasMessageContaining("schedule: predictive");
        assertThatThrownBy(() -> new LearningRateSpec("predictive", 0.1, null, null, null, null, 1.0, null, null, null))
                .hasMessageContaining("switch_below");
        // a loss-based config hashes as before the predictive keys existed
        String canonical = Json.CANONICAL.writeValueAsString(new LearningRateSpec("loss-based", 0.1, null, null, null, null));
        assertThat(canonical).doesNotContain("switch_below", "exponent", "growth", "shrink");
    }
}
