package org.marginmax.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.margin.SettledExamples;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.RunDirectory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run with {@code train.skip_settled}: once examples settle, rows count the examples trained on and the share of the
 * loss the left-out ones carried at the next pass; checkpoints keep the set, so a run resumed from one continues to
 * the same metrics as the run that went on; a run without the key leaves both columns empty.
 */
class SkipSettledRunTest {
    static final int EPOCHS = 30, TRAIN = 400;
    static final double SHARE = 5.9e-8;

    @TempDir Path dir;

    @Test void settledExamplesAreLeftOutCountedCheckpointedAndResumedExactly() throws Exception {
        Path whole = dir.resolve("whole");
        assertThat(Trainer.forConfig(config("train.skip_settled=" + SHARE), null, RunDirectory.create(whole), quiet())
                .run().completed()).isTrue();
        List<Map<String, String>> rows = RunFixtures.rows(whole);
        assertThat(rows.get(0).get("active_examples")).as("epoch 0 trained nothing").isEmpty();
        int firstReduced = -1, chosenAt = -1;
        for (int i = 1; i < rows.size(); i++) {
            Map<String, String> r = rows.get(i);
            int active = Integer.parseInt(r.get("active_examples"));
            assertThat(active).isBetween(1, TRAIN);
            if (active < TRAIN) {
                if (firstReduced < 0) {
                    firstReduced = Integer.parseInt(r.get("epoch"));
                    chosenAt = Integer.parseInt(rows.get(i - 1).get("epoch"));
                    assertThat(rows.get(i - 1).get("separated")).as("sets are chosen once separated").isEqualTo("true");
                }
                assertThat(Double.parseDouble(r.get("log10_skipped_share"))).as("epoch " + r.get("epoch"))
                        .isLessThan(-4); // drifts past the share while the loss falls fast (docs/SCHEDULES.md)
            } else {
                assertThat(r.get("log10_skipped_share")).isEmpty();
            }
        }
        assertThat(firstReduced).as("some examples settled before the last epoch").isBetween(2, EPOCHS - 2);

        int stopAt = chosenAt; // the set chosen at this row's pass trained the epochs up to the next row: it must come back
        Checkpoints.Entry cp = Checkpoints.list(whole, new ArrayList<>()).stream()
                .filter(c -> c.info().epoch() == stopAt).findFirst().orElseThrow();
        assertThat(cp.info().activeExamples()).as("the checkpoint keeps the set").isNotNull();
        assertThat(SettledExamples.decode(cp.info().activeExamples(), TRAIN).cardinality()).isLessThan(TRAIN);
        Path stopped = RunFixtures.stoppedAfter(whole, dir.resolve("stopped"), stopAt);
        assertThat(RunResumer.resume(stopped, null, quiet()).completed()).isTrue();
        RunFixtures.assertSameMetrics(whole, stopped);

        Path off = dir.resolve("off");
        assertThat(Trainer.forConfig(config(), null, RunDirectory.create(off), quiet()).run().completed()).isTrue();
        for (Map<String, String> r : RunFixtures.rows(off)) {
            assertThat(r.get("active_examples")).isEmpty();
            assertThat(r.get("log10_skipped_share")).isEmpty();
        }
    }

    private ExperimentConfig config(String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of("checkpoints.keep_last=100", "train.lr.schedule=predictive",
                "train.lr.lr=1", "train.lr.switch_below=-0.5", "train.stats_every=3"));
        all.addAll(List.of(sets));
        return ConfigLoader.load(RunFixtures.writeConfig(dir, EPOCHS, TRAIN), all);
    }

    private static ProgressReporter quiet() { return new ProgressReporter(false, System.err); }
}
