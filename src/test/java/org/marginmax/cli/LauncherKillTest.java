package org.marginmax.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.ChildJvms;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of the JVM the user started (the launcher, which re-runs the command in a child JVM for OpenMP's
 * settings) ends the training: no JVM of the run is left and the run directory stops changing.
 */
class LauncherKillTest {
    @TempDir Path dir;

    @Test void killingTheLauncherLeavesNoTrainingBehind() throws Exception {
        Path cfg = ChildJvms.tinyConfig(dir, "orphan", 100_000, 300);
        Path run = dir.resolve("run");
        Path log = dir.resolve("launcher.log");
        Process launcher = ChildJvms.start(ChildJvms.mainCommand("train", cfg.toString(), "--run-dir", run.toString()),
                true, log);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!trainedAnEpoch(run) && launcher.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(launcher.isAlive()).as("launcher still running (log: %s)", ChildJvms.log(log)).isTrue();
        List<ProcessHandle> children = launcher.descendants().toList();
        assertThat(children).as("the launcher re-ran itself in a child JVM").isNotEmpty();

        launcher.destroyForcibly(); // SIGKILL, as an OOM killer or kill -9 does
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < until) Thread.sleep(50);
        assertThat(children.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList())
                .as("JVMs of the run still alive 5 s after the launcher was killed").isEmpty();

        var before = ChildJvms.snapshot(run);
        Thread.sleep(2000);
        assertThat(ChildJvms.snapshot(run)).as("the run directory keeps changing").isEqualTo(before);
        assertThat(ChildJvms.log(log)).contains("launcher (parent JVM) is gone");
    }

    private static boolean trainedAnEpoch(Path run) throws Exception {
        Path hb = run.resolve("heartbeat.json");
        return Files.exists(hb) && !Files.readString(hb).contains("\"epoch\" : 0,");
    }
}
