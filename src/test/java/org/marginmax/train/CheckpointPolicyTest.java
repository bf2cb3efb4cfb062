package org.marginmax.train;

import org.marginmax.config.CheckpointSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which epochs the checkpoint rules want measured, with and without a statistics grid ({@code train.stats_every}). */
class CheckpointPolicyTest {
    private static final CheckpointSpec ROLLING_10 = new CheckpointSpec(List.of(1, 50), null, 10.0, null, 10, null);

    @Test
    void everyEpochMeasuredRunCheckpointsTenEpochsAfterTheLastSave() {
        CheckpointPolicy p = new CheckpointPolicy(ROLLING_10, 250, 1);
        p.restore(59, 1); // last saved at epoch 59, the -10 milestone passed
        assertThat(p.wantsStatistics(68, -12)).isFalse();
        assertThat(p.wantsStatistics(69, -12)).isTrue();
    }

    @Test
    void onAStatisticsGridTheRollingCheckpointWaitsForTheNextGridEpoch() {
        CheckpointPolicy p = new CheckpointPolicy(ROLLING_10, 250, 5);
        p.restore(59, 1); // last saved at epoch 59, the -10 milestone passed
        for (int e = 60; e < 70; e++) assertThat(p.wantsStatistics(e, -12)).as("epoch %d", e).isFalse();
        assertThat(p.wantsStatistics(70, -12)).isTrue();
        assertThat(p.reasons(70, -12.5, false)).containsExactly("rolling");
    }

    @Test
    void listedEpochsAndMilestonesStillForceTheirOwnPassOffTheGrid() {
        CheckpointPolicy p = new CheckpointPolicy(ROLLING_10, 250, 5);
        p.restore(49, 1);
        assertThat(p.wantsStatistics(50, -12)).as("listed").isTrue();
        p.saved(50);
        assertThat(p.wantsStatistics(51, -19.9)).isFalse();
        assertThat(p.wantsStatistics(51, -20.1)).as("estimate crossed the -20 milestone").isTrue();
        assertThat(p.reasons(51, -20.05, false)).containsExactly("log10-loss<=-20");
    }

    @Test
    void aGridBelowOneIsRefused() {
        assertThatThrownBy(() -> new CheckpointPolicy(ROLLING_10, 250, 0)).hasMessageContaining("statsEvery");
    }
}
