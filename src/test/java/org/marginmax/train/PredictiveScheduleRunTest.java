package org.marginmax.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.run.RunDirectory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A real run with the predictive schedule: its metrics rows obey the closed form (lr·q^k grows by g per kept epoch
 * and shrinks by s per rejected attempt, q = −log_frame), and a run stopped before or after the switch resumes to
 * the same metrics.
 */
class PredictiveScheduleRunTest {
    static final int EPOCHS = 10;
    static final double G = Math.pow(2, 0.1), S = Math.pow(2, 0.25);

    @TempDir Path dir;

    @Test void afterTheSwitchTheRateFollowsTheClosedFormAndResumesExactly() throws Exception {
        // where the authors' rule puts this run's loss, to switch at epoch 2 (before the epoch-3 checkpoint) and at 5
        List<Map<String, String>> authors = RunFixtures.rows(train(config("loss-based", null), "authors"));
        for (int switchEpoch : new int[]{2, 5}) {
            double before = log10Loss(authors, switchEpoch - 1), at = log10Loss(authors, switchEpoch);
            assertThat(at).as("the loss falls at epoch " + switchEpoch).isLessThan(Math.min(before, 0));
            double switchBelow = (before + at) / 2;
            Path whole = train(config("predictive", switchBelow), "whole" + switchEpoch);
            List<Map<String, String>> rows = RunFixtures.rows(whole);

            int switched = -1;
            for (int i = 1; i < rows.size(); i++) {
                Map<String, String> prev = rows.get(i - 1), r = rows.get(i);
                double qPrev = -num(prev, "log_frame"), q = -num(r, "log_frame");
                boolean wasSwitched = qPrev >= -switchBelow * Math.log(10);
                if (!wasSwitched || switched < 0) {
                    if (wasSwitched) switched = i;
                    continue; // the authors' rule, or the epoch that switched
                }
                int rejected = (int) (num(r, "rollbacks") - num(prev, "rollbacks"));
                double ratio = num(r, "lr") * q * q / (num(prev, "lr") * qPrev * qPrev);
                assertThat(ratio).as("epoch " + r.get("epoch") + " after " + rejected + " rejections")
                        .isCloseTo(G / Math.pow(S, rejected), within(1e-9));
            }
            assertThat(switched).as("the run switched").isPositive();
            assertThat(switched).as("the rows after the switch").isLessThan(rows.size() - 2);

            Path resumed = RunFixtures.stoppedAfter(whole, dir.resolve("resumed" + switchEpoch), 3);
            assertThat(RunResumer.resume(resumed, null, quiet()).completed()).isTrue();
            RunFixtures.assertSameMetrics(whole, resumed);
        }
    }

    private ExperimentConfig config(String schedule, Double switchBelow) throws Exception {
        Path yaml = RunFixtures.writeConfig(dir, EPOCHS, 1000);
        // lr 1: the loss falls below 1 after the first epoch
        List<String> sets = switchBelow == null ? List.of("train.lr.schedule=" + schedule, "train.lr.lr=1")
                : List.of("train.lr.schedule=" + schedule, "train.lr.lr=1", "train.lr.switch_below=" + switchBelow,
                "train.lr.growth=" + G, "train.lr.shrink=" + S);
        return ConfigLoader.load(yaml, sets);
    }

    private Path train(ExperimentConfig cfg, String name) {
        Path runDir = dir.resolve(name);
        Trainer.Result r = Trainer.forConfig(cfg, null, RunDirectory.create(runDir), quiet()).run();
        assertThat(r.completed()).as(String.valueOf(r.stopReason())).isTrue();
        return runDir;
    }

    private static double log10Loss(List<Map<String, String>> rows, int epoch) {
        return rows.stream().filter(r -> r.get("epoch").equals(String.valueOf(epoch))).findFirst()
                .map(r -> num(r, "log10_loss")).orElseThrow();
    }

    private static double num(Map<String, String> r, String col) { return Double.parseDouble(r.get(col)); }

    private static ProgressReporter quiet() { return new ProgressReporter(false, System.err); }
}
