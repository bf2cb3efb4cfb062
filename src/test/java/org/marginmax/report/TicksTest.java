package org.marginmax.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TicksTest {
    private static List<String> labels(List<Ticks.Tick> t) { return t.stream().map(Ticks.Tick::label).toList(); }

    @Test void epochAxisGetsRoundNumbersNotEveryEighthEpoch() {
        assertThat(labels(Ticks.linear(0, 220, 6))).containsExactly("0", "50", "100", "150", "200");
        assertThat(labels(Ticks.linear(0, 60, 6))).containsExactly("0", "10", "20", "30", "40", "50", "60");
    }

    @Test void linearAxesNeverCarryMoreThanTenLabels() {
        for (double hi : new double[]{1e-6, 0.0137, 1, 7.3, 99, 1234, 5e6})
            for (int target = 3; target <= 12; target++) {
                List<Ticks.Tick> t = Ticks.linear(-0.3 * hi, hi, target);
                assertThat(t.size()).as("hi=%s target=%s", hi, target).isBetween(2, Ticks.MAX_LABELS);
                assertThat(labels(t)).doesNotHaveDuplicates();
                t.forEach(k -> assertThat(k.value()).isBetween(-0.3 * hi * (1 + 1e-9), hi * (1 + 1e-9)));
                // equal steps of 1, 2 or 5 × 10^k
                double step = t.get(1).value() - t.get(0).value();
                double mantissa = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
                assertThat(List.of(1L, 2L, 5L)).contains(Math.round(mantissa));
                assertThat(mantissa).isCloseTo(Math.round(mantissa), within(1e-6));
            }
    }

    @Test void aNarrowRangeStillGetsThreeLabels() {
        assertThat(labels(Ticks.linear(0.95, 1.04, 5))).containsExactly("0.96", "0.98", "1.00", "1.02", "1.04");
        assertThat(Ticks.linear(3.1, 3.3, 3)).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test void negativeLog10LossValuesAreLabelledWithATrueMinus() {
        assertThat(labels(Ticks.linear(-2260, -0.3, 6))).containsExactly("−2000", "−1500", "−1000", "−500"); // 0 lies above the data
        assertThat(labels(Ticks.linear(0.12, 0.18, 6))).containsExactly("0.12", "0.13", "0.14", "0.15", "0.16", "0.17", "0.18");
        assertThat(labels(Ticks.linear(0, 3e-5, 3))).containsExactly("0", "1×10⁻⁵", "2×10⁻⁵", "3×10⁻⁵");
    }

    @Test void logAxesAreLabelledAtDecades() {
        assertThat(labels(Ticks.log(3e-6, 2e-2, 8))).containsExactly("10⁻⁵", "10⁻⁴", "0.001", "0.01");
        List<Ticks.Tick> many = Ticks.log(1e-300, 1, 10);
        assertThat(many.size()).isBetween(3, Ticks.MAX_LABELS);
        many.forEach(t -> assertThat(Math.log10(t.value()) % 1).isCloseTo(0, within(1e-9)));
        assertThat(labels(Ticks.log(1e-300, 1, 10))).first().isEqualTo("10⁻³⁰⁰");
        assertThat(labels(Ticks.log(1e-9, 1e3, 5))).containsExactly("10⁻⁹", "10⁻⁶", "0.001", "1", "1000");
    }

    @Test void logAxisUnderADecadeGetsOneTwoFiveOrWholeMantissasWithAtLeastThreeLabels() {
        assertThat(labels(Ticks.log(8e-6, 6e-5, 8))).containsExactly("10⁻⁵", "2×10⁻⁵", "5×10⁻⁵");
        assertThat(labels(Ticks.log(1.1e-5, 6e-5, 8))).containsExactly("2×10⁻⁵", "3×10⁻⁵", "4×10⁻⁵", "5×10⁻⁵", "6×10⁻⁵");
        assertThat(labels(Ticks.log(0.8, 12, 8))).containsExactly("1", "2", "5", "10"); // two decade marks, a factor 15
    }

    @Test void minorLogTicksFallBetweenDecadesUnlabelled() {
        List<Ticks.Tick> minor = Ticks.logMinor(1e-3, 1e-1, 6);
        assertThat(minor).hasSize(16).allMatch(t -> !t.major());
        assertThat(minor.get(0).value()).isCloseTo(2e-3, within(1e-15));
        assertThat(Ticks.logMinor(1e-30, 1, 6)).isEmpty();
    }
}
