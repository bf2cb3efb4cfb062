package org.marginmax.run;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.TestPaths;
import org.marginmax.cli.Main;
import org.marginmax.data.Sha256;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A full disk, for real: the run directory lives on a 6 MB tmpfs and a small MLP checkpoints every epoch until the
 * disk is full. The run must stop with one line naming the file and the fix, exit 2, and leave every complete
 * checkpoint and metrics row intact. Mounting needs root; outside CI the test is skipped without it, under
 * {@code CI=true} it fails.
 */
class DiskFullTest {
    @TempDir Path dir;
    private Path mount;

    @AfterEach void unmount() throws Exception {
        if (mount != null) run("umount", "-l", mount.toString());
    }

    @Test void aFullDiskStopsTheRunWithOneLineAndKeepsWhatWasComplete() throws Exception {
        mount = dir.resolve("small-disk");
        Files.createDirectories(mount);
        String mounted = run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount.toString());
        if (mounted != null) {
            mount = null;
            String reason = "cannot mount a 6 MB tmpfs (" + mounted + "): run as root to test a full disk";
            if ("true".equals(System.getenv("CI"))) fail(reason);
            Assumptions.abort(reason);
        }
        // 784-256-10 float32: some 0.8 MB per checkpoint zip, a checkpoint every epoch: full within ~7 epochs
        Path cfg = Files.writeString(dir.resolve("fill.yaml"), """
                name: fill
                seed: 1
                data:
                  dataset: idx:%s
                  train: {first: 200}
                  test: {first: 100}
                model: {arch: mlp, hidden: [256], bias: none}
                loss: cross-entropy
                train:
                  epochs: 60
                  batch_size: 100
                  lr: {schedule: constant, lr: 0.01}
                checkpoints: {every: 1}
                """.formatted(TestPaths.mnist10k()));
        Path run = mount.resolve("run");

        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("train", cfg.toString(), "--run-dir", run.toString());
        } finally {
            System.setErr(oldErr);
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(stderr).isEqualTo(2);
        assertThat(stderr).doesNotContain("\tat ").doesNotContain("Exception");
        List<String> errors = stderr.lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(errors).hasSize(1);
        Matcher m = Pattern.compile("error: no space left on device writing (\\S+): free space, then margin-max resume (\\S+)")
                .matcher(errors.get(0));
        assertThat(m.matches()).as(errors.get(0)).isTrue();
        assertThat(m.group(1)).startsWith(run + "/");
        assertThat(m.group(2)).isEqualTo(run.toString());

        // every metrics row complete: as many cells as the header, epochs 0, 1, 2, ... with no gap or torn line
        List<String> lines = Files.readAllLines(run.resolve(MetricsLog.CSV));
        int columns = lines.get(0).split(",", -1).length;
        assertThat(lines.size()).as("some epochs were recorded before the disk filled").isGreaterThan(2);
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            assertThat(cells).as(lines.get(i)).hasSize(columns);
            assertThat(cells[0]).isEqualTo(String.valueOf(i - 1));
        }
        assertThat(Files.readAllLines(run.resolve(MetricsLog.JSONL))).hasSize(lines.size() - 1);

        // every complete checkpoint intact: the zip its sidecar names has the SHA-256 the sidecar records
        List<String> problems = new ArrayList<>();
        List<Checkpoints.Entry> saved = Checkpoints.list(run, problems);
        assertThat(problems).isEmpty();
        assertThat(saved).hasSizeGreaterThan(1);
        for (Checkpoints.Entry e : saved)
            assertThat(Sha256.ofFile(e.model())).as(e.model().toString()).isEqualTo(e.info().modelSha256());
        try (var s = Files.list(Checkpoints.dir(run))) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no temp file left behind").noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    /** Runs a command; null on success, else what it printed. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out + " (exit " + p.exitValue() + ")";
    }
}
