package org.marginmax.margin;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The settled examples of {@code train.skip_settled}: against an exhaustive search over every subset (the largest
 * number of examples whose terms sum to at most the share of the loss), and the left-out share against a closed form.
 */
class SettledExamplesTest {

    @Test void leavesOutTheLargestSetOfExamplesWithinTheShareAsAnExhaustiveSearchFinds() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 40; trial++) {
            int n = 12;
            double[] logLosses = new double[n];
            for (int i = 0; i < n; i++) logLosses[i] = -rng.nextDouble(0, 60); // terms from 1 down to e^-60
            double share = Math.pow(10, -rng.nextDouble(3, 20));
            double total = 0;
            for (double l : logLosses) total += Math.exp(l);

            int best = 0; // the most examples any subset within the share holds
            for (int mask = 0; mask < 1 << n; mask++) {
                double sum = 0;
                for (int i = 0; i < n; i++) if ((mask & 1 << i) != 0) sum += Math.exp(logLosses[i]);
                if (sum <= share * total) best = Math.max(best, Integer.bitCount(mask));
            }
            BitSet active = SettledExamples.active(logLosses, share);
            double left = 0;
            for (int i = 0; i < n; i++) if (!active.get(i)) left += Math.exp(logLosses[i]);
            assertThat(n - active.cardinality()).as("trial " + trial + ": settled count").isEqualTo(best);
            assertThat(left).as("trial " + trial + ": the settled terms' sum").isLessThanOrEqualTo(share * total * (1 + 1e-12));
            assertThat(SettledExamples.log10Share(logLosses, active))
                    .isCloseTo(left == 0 ? Double.NEGATIVE_INFINITY : Math.log10(left / total), within(1e-9));
        }
    }

    @Test void theLeftOutShareIsOfTheSummedLoss() {
        double ln10 = Math.log(10);
        double[] logLosses = {0, -10 * ln10, -20 * ln10, -1 * ln10};
        BitSet active = new BitSet();
        active.set(0);
        active.set(3);
        // (1e-10 + 1e-20) / (1 + 1e-1 + 1e-10 + 1e-20)
        assertThat(SettledExamples.log10Share(logLosses, active)).isCloseTo(-10 - Math.log10(1.1), within(1e-9));
        active.set(0, 4);
        assertThat(SettledExamples.log10Share(logLosses, active)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test void keepsEveryExampleWhenOffOrWhenATermIsNaN() {
        double[] logLosses = {0, -100, -200};
        assertThat(SettledExamples.active(logLosses, 0).cardinality()).isEqualTo(3);
        assertThat(SettledExamples.active(logLosses, 1e-20).cardinality()).as("e^-100 is within 1e-20 of the sum").isEqualTo(1);
        assertThat(SettledExamples.active(new double[] {0, Double.NaN, -200}, 1e-20).cardinality()).isEqualTo(3);
    }

    @Test void theSetSurvivesItsTextAndATextOfAnotherSizeIsRefused() {
        BitSet b = new BitSet();
        b.set(0);
        b.set(7);
        b.set(64);
        b.set(99);
        String text = SettledExamples.encode(b, 100);
        assertThat(SettledExamples.decode(text, 100)).isEqualTo(b);
        assertThatThrownBy(() -> SettledExamples.decode(text, 50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not of 50 examples");
        assertThatThrownBy(() -> SettledExamples.decode("100:!!", 100)).isInstanceOf(IllegalArgumentException.class);
    }
}
