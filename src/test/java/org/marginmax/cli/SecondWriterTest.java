package org.marginmax.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.ChildJvms;
import org.marginmax.run.RunLock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real JVMs on one run directory: while one trains, {@code resume} in another exits 2 with one line naming the
 * holder's pid, host and start time; once the trainer is SIGKILLed its lock never blocks.
 */
class SecondWriterTest {
    @TempDir Path dir;

    @Test void aSecondWriterIsRefusedAndADeadWritersLockDoesNotBlock() throws Exception {
        Path cfg = ChildJvms.tinyConfig(dir, "two-writers", 100_000, 300);
        Path run = dir.resolve("run");
        Path log = dir.resolve("train.log");
        Process trainer = ChildJvms.start(ChildJvms.mainCommand("train", cfg.toString(), "--run-dir", run.toString()), false, log);
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.exists(Checkpoint.epoch2(run)) && trainer.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(trainer.isAlive()).as("trainer running (log: %s)", ChildJvms.log(log)).isTrue();

            Path log2 = dir.resolve("resume.log");
            Process second = ChildJvms.start(ChildJvms.mainCommand("resume", run.toString()), false, log2);
            assertThat(second.waitFor(3, TimeUnit.MINUTES)).isTrue();
            String out = ChildJvms.log(log2);
            assertThat(second.exitValue()).as(out).isEqualTo(2);
            List<String> errors = out.lines().filter(l -> l.startsWith("error:")).toList();
            assertThat(errors).as(out).hasSize(1);
            RunLock.Holder h = RunLock.holder(run).orElseThrow();
            assertThat(h.pid()).isEqualTo(trainer.pid());
            assertThat(errors.get(0)).contains("pid " + trainer.pid()).contains(h.host()).contains(h.started());
            assertThat(trainer.isAlive()).as("the first writer goes on").isTrue();
        } finally {
            trainer.destroyForcibly(); // SIGKILL: no chance to release anything
            trainer.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(RunLock.holder(run)).as("the dead writer's holder record stays behind").isPresent();
        try (RunLock mine = RunLock.acquire(run)) {
            assertThat(RunLock.holder(run).orElseThrow().pid()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    private static final class Checkpoint {
        static Path epoch2(Path run) { return org.marginmax.run.Checkpoints.stateFile(run, 2); }
    }
}
