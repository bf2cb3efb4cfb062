package org.marginmax.train;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.MetricsLog;
import org.marginmax.run.RunDirectory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.cli.Main;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed with SIGKILL (a real child JVM, killed by the OS) and resumed produces the same metrics as the
 * uninterrupted run, to at least 9 significant digits.
 */
class KillAndResumeTest {
    private static final int EPOCHS = 40;

    @TempDir Path dir;

    @Test void sigkilledRunResumesToTheSameMetrics() throws Exception {
        Path cfg = RunFixtures.writeConfig(dir, EPOCHS, 2000);
        Path whole = dir.resolve("whole");
        assertThat(Main.run("train", cfg.toString(), "--run-dir", whole.toString())).isEqualTo(0);

        Path killed = dir.resolve("killed");
        Process child = childJvm("train", cfg.toString(), "--run-dir", killed.toString());
        Path marker = Checkpoints.stateFile(killed, 12);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(marker) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(child.isAlive()).as("the child must still be training when it is killed").isTrue();
        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);
        int rowsAtKill = RunFixtures.csv(killed).size() - 1;
        assertThat(rowsAtKill).isLessThan(EPOCHS + 1);
        assertThat(Files.exists(killed.resolve(RunDirectory.MODEL))).isFalse();

        Process resumed = childJvm("resume", killed.toString());
        assertThat(resumed.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(resumed.exitValue()).as("resume exit code (log: " + LOGS.get(resumed) + ")").isEqualTo(0);

        RunFixtures.assertSameMetrics(whole, killed); // attempts and sgd_steps included
        List<List<String>> rows = RunFixtures.csv(killed);
        List<String> header = rows.get(0);
        assertThat(header.subList(header.size() - 4, header.size()))
                .containsExactly("attempts", "sgd_steps", "active_examples", "log10_skipped_share");
        assertThat(rows.subList(1, rows.size())).allSatisfy(r -> assertThat(r.get(header.indexOf("sgd_steps"))).isNotEmpty());
        assertThat(Files.readAllLines(killed.resolve(MetricsLog.JSONL))).hasSize(EPOCHS + 1);
    }

    private static final java.util.Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

    static Path logOf(Process p) { return LOGS.get(p); }

    static Process childJvm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MARGIN_MAX_NO_RELAUNCH", "1");
        File log = File.createTempFile("margin-max-child", ".log");
        pb.redirectOutput(log);
        Process p = pb.start();
        LOGS.put(p, log.toPath());
        return p;
    }
}
