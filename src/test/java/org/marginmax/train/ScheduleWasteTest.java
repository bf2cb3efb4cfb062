package org.marginmax.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.io.Json;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.RollbackLog;
import org.marginmax.run.RunDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waste of a schedule: metrics columns {@code attempts} (epoch attempts so far, rejected ones included) and
 * {@code sgd_steps} (minibatch SGD steps so far, those of rejected attempts included), checked against closed forms
 * and against rollbacks.csv, and continued exactly by a resumed run.
 */
class ScheduleWasteTest {
    /** 550 examples in batches of 100: N // 100 = 5 full batches per epoch (the incomplete last one is dropped). */
    private static final int TRAIN_N = 550, STEPS_PER_EPOCH = 5, EPOCHS = 6;

    @TempDir Path dir;

    @Test void constantScheduleSpendsOneAttemptAndNOver100StepsPerEpoch() throws Exception {
        Path whole = train(constantConfig(), "whole");
        List<Map<String, String>> rows = rows(whole);
        assertThat(rows).extracting(r -> r.get("epoch")).contains("0", "2", "3", "4", "6");
        for (Map<String, String> r : rows) {
            long e = Long.parseLong(r.get("epoch"));
            assertThat(r.get("rollbacks")).isEqualTo("0");
            assertThat(r.get("attempts")).as("epoch " + e).isEqualTo(String.valueOf(e));
            assertThat(r.get("sgd_steps")).as("epoch " + e).isEqualTo(String.valueOf(e * STEPS_PER_EPOCH));
        }
    }

    @Test void lossBasedScheduleCountsRejectedAttemptsAndTheirSteps() throws Exception {
        Path yaml = RunFixtures.writeConfig(dir, 8, 500); // also 5 steps per full epoch
        // far above the stability edge, so that the schedule must reject attempts
        ExperimentConfig cfg = ConfigLoader.load(yaml, List.of("train.lr.lr=20"));
        Path run = train(cfg, "run");
        List<List<String>> rejected = RunFixtures.csvOf(run.resolve(RollbackLog.CSV));
        assertThat(rejected.size() - 1).as("rejected attempts at lr 20").isPositive();
        for (Map<String, String> r : rows(run)) {
            int e = Integer.parseInt(r.get("epoch"));
            int full = 0, abandoned = 0;
            for (List<String> rb : rejected.subList(1, rejected.size())) {
                if (Integer.parseInt(rb.get(0)) > e) continue;
                if (rb.get(2).startsWith("batch-loss")) abandoned++; // stopped after >= 1 step
                else full++; // a loss-rose / loss-nan attempt ran the whole epoch
            }
            int rollbacks = full + abandoned;
            String where = "epoch " + e + " after " + rollbacks + " rejections";
            assertThat(Integer.parseInt(r.get("rollbacks"))).as(where).isEqualTo(rollbacks);
            int attempts = Integer.parseInt(r.get("attempts"));
            assertThat(attempts).as(where).isEqualTo(e + rollbacks);
            long sgd = Long.parseLong(r.get("sgd_steps"));
            assertThat(sgd).as(where).isBetween((long) (e + full) * STEPS_PER_EPOCH + abandoned, (long) attempts * STEPS_PER_EPOCH);
            if (rollbacks > 0) assertThat(sgd).as(where).isGreaterThan((long) e * STEPS_PER_EPOCH);
        }
    }

    @Test void resumedRunContinuesTheCountsAndAnOldCheckpointLeavesStepsUnknown() throws Exception {
        ExperimentConfig cfg = constantConfig();
        Path whole = train(cfg, "whole");

        Path resumed = stoppedAfter3(whole, "resumed");
        assertThat(RunResumer.resume(resumed, null, quiet()).completed()).isTrue();
        RunFixtures.assertSameMetrics(whole, resumed);

        // a checkpoint written before the counts existed: attempts = epoch + rollbacks, sgd_steps unknown after it
        Path old = stoppedAfter3(whole, "old");
        Path sidecar = Checkpoints.stateFile(old, 3);
        ObjectNode st = (ObjectNode) Json.MAPPER.readTree(sidecar.toFile());
        assertThat(st.has("attempts") && st.has("sgd_steps")).isTrue();
        st.remove(List.of("attempts", "sgd_steps"));
        Files.writeString(sidecar, st.toPrettyString());
        assertThat(RunResumer.resume(old, null, quiet()).completed()).isTrue();
        List<Map<String, String>> a = rows(whole), b = rows(old);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            int e = Integer.parseInt(a.get(i).get("epoch"));
            assertThat(b.get(i).get("attempts")).as("epoch " + e).isEqualTo(a.get(i).get("attempts"));
            assertThat(b.get(i).get("sgd_steps")).as("epoch " + e).isEqualTo(e <= 3 ? a.get(i).get("sgd_steps") : "");
        }
    }

    private ExperimentConfig constantConfig() throws IOException {
        Path yaml = RunFixtures.writeConfig(dir, EPOCHS, TRAIN_N);
        return ConfigLoader.load(yaml, List.of("train.lr.schedule=constant", "train.lr.lr=0.01", "train.stats_every=2"));
    }

    private Path train(ExperimentConfig cfg, String name) {
        Path runDir = dir.resolve(name);
        Trainer.Result r = Trainer.forConfig(cfg, null, RunDirectory.create(runDir), quiet()).run();
        assertThat(r.completed()).as(String.valueOf(r.stopReason())).isTrue();
        return runDir;
    }

    private Path stoppedAfter3(Path whole, String name) throws IOException {
        return RunFixtures.stoppedAfter(whole, dir.resolve(name), 3);
    }

    private static ProgressReporter quiet() { return new ProgressReporter(false, System.err); }

    private static List<Map<String, String>> rows(Path run) throws IOException { return RunFixtures.rows(run); }
}
