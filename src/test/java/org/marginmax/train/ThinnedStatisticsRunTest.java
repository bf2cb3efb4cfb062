package org.marginmax.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.RollbackLog;
import org.marginmax.run.RunDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The predictive schedule with {@code train.stats_every} 3: after the switch only every third epoch has a statistics
 * pass and a row, the epochs between are judged by their mean minibatch loss and move the frame with it, and a run
 * stopped after an unverified epoch checkpoints the last verified one and resumes to the same metrics.
 */
class ThinnedStatisticsRunTest {
    static final int EPOCHS = 14, EVERY = 3, TRAIN = 1000, BATCH = 100;

    @TempDir Path dir;

    @AfterEach void clearStop() { StopSignal.clear(); }

    @Test void epochsBetweenStatisticsAreJudgedByTheirMinibatchesAndAStopResumesExactly() throws Exception {
        train(config(), "whole", null);
        Path whole = dir.resolve("whole");
        List<Map<String, String>> rows = RunFixtures.rows(whole);
        double switchQ = 0.5 * Math.log(10);

        List<Integer> after = new ArrayList<>();
        for (Map<String, String> r : rows)
            if (-num(r, "log_frame") >= switchQ) after.add((int) num(r, "epoch"));
        assertThat(after).as("epochs measured after the switch").isNotEmpty();
        for (int e : after)
            assertThat(e % EVERY == 0 || e == EPOCHS).as("epoch " + e + " has a row").isTrue();
        int firstAfter = after.get(0);
        assertThat(after).as("thinned: fewer rows than epochs after the switch")
                .hasSizeLessThan(EPOCHS - firstAfter + EVERY);
        // every epoch's steps are counted, rows or not
        for (Map<String, String> r : rows)
            assertThat(num(r, "sgd_steps")).isGreaterThanOrEqualTo(num(r, "epoch") * TRAIN / BATCH);

        // the frame follows the minibatch losses: at a row after unmeasured epochs it is not where the last statistics
        // pass put it (the loss at the row before), as a constant schedule's would be
        int followed = 0;
        for (int i = 1; i < rows.size(); i++) {
            Map<String, String> prev = rows.get(i - 1), r = rows.get(i);
            if (num(r, "epoch") - num(prev, "epoch") < 2 || -num(prev, "log_frame") < switchQ) continue;
            double before = num(prev, "log10_loss") * Math.log(10);
            assertThat(num(r, "log_frame")).as("epoch " + r.get("epoch")).isLessThan(before - 1e-6);
            followed++;
        }
        assertThat(followed).as("rows after unmeasured epochs").isGreaterThan(1);

        // stop right after the first unmeasured epoch that follows a row: fit calls up to it are its epoch number plus
        // the attempts rejected until then (rollbacks.csv)
        int stopEpoch = firstAfter + 1;
        long rejectedUpTo = Files.readAllLines(whole.resolve(RollbackLog.CSV)).stream().skip(1)
                .takeWhile(l -> Integer.parseInt(l.split(",")[0]) <= stopEpoch && !l.contains("back-to-verified"))
                .count();
        Path stopped = dir.resolve("stopped");
        Trainer.Result r = train(config(), "stopped", (int) (stopEpoch + rejectedUpTo));
        assertThat(r.interrupted()).isTrue();
        assertThat(r.epochs()).as("checkpointed at the last verified epoch").isEqualTo(firstAfter);
        List<Checkpoints.Entry> cps = Checkpoints.list(stopped, new ArrayList<>());
        Checkpoints.Entry last = cps.get(cps.size() - 1);
        assertThat(last.info().epoch()).isEqualTo(firstAfter);
        assertThat(last.info().reasons()).contains("stop");
        assertThat(last.info().batchLogLoss()).isNotNull();

        StopSignal.clear();
        assertThat(RunResumer.resume(stopped, null, quiet()).completed()).isTrue();
        RunFixtures.assertSameMetrics(whole, stopped);
    }

    private ExperimentConfig config() throws Exception {
        Path yaml = RunFixtures.writeConfig(dir, EPOCHS, TRAIN);
        return ConfigLoader.load(yaml, List.of("train.lr.schedule=predictive", "train.lr.lr=1",
                "train.lr.switch_below=-0.5", "train.stats_every=" + EVERY, "checkpoints.rolling_epochs=100"));
    }

    /** Trains a run; with {@code stopAfterFits}, requests a stop at the end of that many DL4J fits (epoch attempts). */
    private Trainer.Result train(ExperimentConfig cfg, String name, Integer stopAfterFits) {
        MultiLayerNetwork[] net = new MultiLayerNetwork[1];
        ProgressReporter progress = new ProgressReporter(false, System.err) {
            boolean added;
            @Override public void epoch(RunDirectory run, int epoch, int epochs, Map<String, Object> row, double wall,
                                        String note) {
                if (stopAfterFits != null && !added) { // after the trainer set its own listeners
                    added = true;
                    net[0].addListeners(new BaseTrainingListener() {
                        int fits;
                        @Override public void onEpochEnd(Model model) {
                            if (++fits == stopAfterFits) StopSignal.request();
                        }
                    });
                }
            }
        };
        Trainer t = Trainer.forConfig(cfg, null, RunDirectory.create(dir.resolve(name)), progress)
                .withRuntime(n -> net[0] = n, null);
        Trainer.Result r = t.run();
        if (stopAfterFits == null) assertThat(r.completed()).as(String.valueOf(r.stopReason())).isTrue();
        return r;
    }

    private static double num(Map<String, String> r, String col) { return Double.parseDouble(r.get(col)); }

    private static ProgressReporter quiet() { return new ProgressReporter(false, System.err); }
}
