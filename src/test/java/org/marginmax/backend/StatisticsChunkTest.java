package org.marginmax.backend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("no-nd4j")
class StatisticsChunkTest {
    private static final long GIB = 1L << 30;

    @AfterEach void reset() {
        System.clearProperty(StatisticsChunk.PROPERTY);
        StatisticsChunk.useCuda(0);
    }

    @Test void cpuKeepsTheMeasuredChunks() {
        assertThat(StatisticsChunk.forNetwork(true)).isEqualTo(250);
        assertThat(StatisticsChunk.forNetwork(false)).isEqualTo(5000);
    }

    @Test void cudaChunksAreLargerButBoundedByTheProfilesMemory() {
        StatisticsChunk.useCuda(72 * GIB);
        assertThat(StatisticsChunk.forNetwork(true)).isEqualTo(2000);
        assertThat(StatisticsChunk.forNetwork(false)).isEqualTo(20000);
        // a quarter of 8 GiB holds 972 VGG-16 examples' float64 activations (276,000 values each)
        assertThat(StatisticsChunk.of(true, 8 * GIB)).isEqualTo((int) (8 * GIB / 4 / (276_000L * 8)));
        assertThat(StatisticsChunk.of(true, GIB)).isEqualTo(250);
    }

    @Test void thePropertyOverridesAndABadValueSaysWhatIsExpected() {
        System.setProperty(StatisticsChunk.PROPERTY, "640");
        assertThat(StatisticsChunk.forNetwork(true)).isEqualTo(640);
        System.setProperty(StatisticsChunk.PROPERTY, "lots");
        assertThatThrownBy(() -> StatisticsChunk.forNetwork(true)).hasMessageContaining("positive whole number");
    }
}
