package org.marginmax.sweep;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.ChildJvms;
import org.marginmax.cli.Main;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A sweep of three tiny runs on a real (one-node) Slurm: one task requeued with {@code scontrol requeue} while it
 * trains, one sent the time-limit signal (USR1 to the batch shell: checkpoint, requeue itself). All three complete with
 * metrics identical to the same sweep run locally without Slurm (OMP_NUM_THREADS=1 in both). Needs Slurm
 * ({@code .ci/slurm-setup.sh}); skipped without it, except under CI=true, where it fails.
 */
@Tag("slurm")
class SlurmSweepTest {
    private static final int EPOCHS = 120;

    @TempDir Path dir;

    @Test void aRequeuedAndATimeLimitedTaskCompleteWithTheLocalMetrics() throws Exception {
        requireSlurm();
        Path base = ChildJvms.tinyConfig(dir, "base", EPOCHS, 300);
        Path spec = dir.resolve("slurm-seeds.yaml");
        Files.writeString(spec, "name: slurm-seeds\nbase: base.yaml\ngrid:\n  seed: [1, 2, 3]\n");
        Path local = dir.resolve("local"), slurm = dir.resolve("slurm");

        assertThat(Main.run("sweep", "run", spec.toString(), "--outputs", local.toString(), "--parallel", "2",
                "--threads", "1", "--java-opt=-Xmx1g")).isEqualTo(0);

        assertThat(Main.run("sweep", "slurm", spec.toString(), "--outputs", slurm.toString(), "--submit",
                "--cpus-per-task", "1", "--max-parallel", "2", "--java-opt=-Xmx1g")).isEqualTo(0);
        SweepPlan plan = SweepPlan.load(slurm.resolve("slurm-seeds"));
        String job = plan.slurmJob();
        assertThat(job).matches("\\d+");
        List<SweepPlan.Run> runs = plan.runs();
        Path run0 = plan.runDir(runs.get(0)), run1 = plan.runDir(runs.get(1));

        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while ((epoch(run0) < 6 || epoch(run1) < 6) && System.nanoTime() < deadline) Thread.sleep(100);
        assertThat(epoch(run0)).as("task 0 training (log %s)", log(plan, 0)).isBetween(6, EPOCHS - 1);
        assertThat(epoch(run1)).as("task 1 training (log %s)", log(plan, 1)).isBetween(6, EPOCHS - 1);
        sh("scontrol", "requeue", job + "_0");
        sh("scancel", "--batch", "--signal=USR1", job + "_1"); // what --signal=B:USR1@S does before the time limit

        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        while (!allComplete(plan) && System.nanoTime() < deadline) {
            for (int i = 0; i < 2; i++) shQuiet("scontrol", "update", "JobId=" + job + "_" + i, "StartTime=now");
            Thread.sleep(2000);
        }
        Main.run("sweep", "status", spec.toString(), "--outputs", slurm.toString());
        assertThat(allComplete(plan)).as("all complete (logs: %s / %s / %s)", log(plan, 0), log(plan, 1), log(plan, 2)).isTrue();
        assertThat(log(plan, 0)).contains("restart 1").contains(": resume");
        assertThat(log(plan, 1)).contains("time limit near").contains("requeueing").contains("restart 1").contains(": resume");
        SweepPlan localPlan = SweepPlan.load(local.resolve("slurm-seeds"));
        for (SweepPlan.Run r : runs) {
            assertThat(RunState.exitCode(plan.runDir(r))).as(r.id() + " exit code").isEqualTo(0);
            assertSameMetrics(localPlan.runDir(localPlan.runs().get(r.index())), plan.runDir(r));
            assertThat(Files.readString(plan.runDir(r).resolve("provenance.json"))).contains("\"omp_num_threads\" : \"1\"");
        }
    }

    /** Every metrics.csv cell equal, except the timing columns. */
    static void assertSameMetrics(Path a, Path b) throws IOException {
        List<String> x = Files.readAllLines(a.resolve("metrics.csv")), y = Files.readAllLines(b.resolve("metrics.csv"));
        assertThat(y).as(b + " rows").hasSameSizeAs(x);
        String[] header = x.get(0).split(",", -1);
        assertThat(y.get(0)).isEqualTo(x.get(0));
        for (int r = 1; r < x.size(); r++) {
            String[] u = x.get(r).split(",", -1), v = y.get(r).split(",", -1);
            for (int c = 0; c < header.length; c++) {
                if (header[c].endsWith("_seconds")) continue;
                assertThat(v[c]).as(b + " row " + r + " column " + header[c]).isEqualTo(u[c]);
            }
        }
    }

    private static boolean allComplete(SweepPlan plan) {
        return plan.runs().stream().allMatch(r -> RunState.of(plan.runDir(r), EPOCHS).state() == RunState.State.COMPLETE)
                && plan.runs().stream().allMatch(r -> RunState.exitCode(plan.runDir(r)) != null);
    }

    private static int epoch(Path run) {
        RunState s = RunState.of(run, EPOCHS);
        return s.epoch();
    }

    private static String log(SweepPlan plan, int task) {
        return ChildJvms.log(plan.dir().resolve("slurm/logs/task-" + task + ".out"));
    }

    static void requireSlurm() throws InterruptedException {
        boolean up;
        try {
            Process p = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            up = p.waitFor() == 0 && out.lines().anyMatch(l -> l.matches("(idle|mixed|allocated|completing)\\*?"));
        } catch (IOException e) {
            up = false;
        }
        if (!up && "true".equals(System.getenv("CI"))) fail("CI=true but Slurm is not up: bash .ci/slurm-setup.sh");
        Assumptions.assumeTrue(up, "no Slurm here (start one with .ci/slurm-setup.sh)");
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isEqualTo(0);
    }

    private static void shQuiet(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
    }
}
