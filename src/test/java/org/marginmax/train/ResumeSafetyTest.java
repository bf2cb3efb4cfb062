package org.marginmax.train;
import org.marginmax.run.CheckpointState;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.MetricsLog;
import org.marginmax.run.RunDirectory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.cli.Main;
import org.marginmax.config.ConfigLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resume refuses what it cannot continue exactly, with a one-line error, and changes nothing: a corrupt zip, a
 * checkpoint of another architecture, an edited config. Torn writes (a temp file, a zip without its sidecar) are
 * ignored. A stop signal ends a run cleanly with a checkpoint.
 */
class ResumeSafetyTest {
    private static final int EPOCHS = 60;
    @TempDir static Path shared;
    static Path cfg;
    static Path pristine;
    static int stoppedAt;
    static String childLog;

    /** A real child JVM, sent SIGTERM mid-run: it must finish the epoch, checkpoint and exit 0. */
    @BeforeAll static void trainARunStoppedBySigterm() throws Exception {
        cfg = RunFixtures.writeConfig(shared, EPOCHS, 2000);
        pristine = shared.resolve("pristine");
        Process child = KillAndResumeTest.childJvm("train", cfg.toString(), "--run-dir", pristine.toString());
        Path marker = Checkpoints.stateFile(pristine, 4);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(marker) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(child.isAlive()).as("still training when signalled").isTrue();
        child.destroy(); // SIGTERM
        assertThat(child.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        childLog = Files.readString(KillAndResumeTest.logOf(child));
        assertThat(child.exitValue()).as(childLog).isEqualTo(0);
        List<Checkpoints.Entry> entries = Checkpoints.list(pristine, new ArrayList<>());
        stoppedAt = entries.get(entries.size() - 1).info().epoch();
    }

    @TempDir Path dir;

    private Path copyRun() throws IOException {
        Path target = dir.resolve("run");
        try (Stream<Path> s = Files.walk(pristine)) {
            for (Path p : s.toList()) {
                Path t = target.resolve(pristine.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return target;
    }

    private static Map<Path, byte[]> snapshot(Path run) throws IOException {
        Map<Path, byte[]> m = new HashMap<>();
        try (Stream<Path> s = Files.walk(run)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(run.relativize(p), Files.readAllBytes(p));
        }
        return m;
    }

    private static void assertUnchanged(Path run, Map<Path, byte[]> before) throws IOException {
        Map<Path, byte[]> after = snapshot(run);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (Path p : before.keySet()) assertThat(after.get(p)).as(p.toString()).isEqualTo(before.get(p));
    }

    @Test void sigtermStopsCleanlyWithACheckpoint() throws IOException {
        List<Checkpoints.Entry> entries = Checkpoints.list(pristine, new ArrayList<>());
        Checkpoints.Entry last = entries.get(entries.size() - 1);
        assertThat(stoppedAt).isBetween(4, EPOCHS - 1);
        assertThat(last.info().reasons()).contains("stop");
        assertThat(RunFixtures.csv(pristine)).hasSize(1 + stoppedAt + 1); // header + epochs 0..stoppedAt
        assertThat(Files.readString(pristine.resolve(RunDirectory.SUMMARY))).contains("\"interrupted\" : true");
        assertThat(childLog).contains("resume " + pristine);
        // rolling checkpoints are pruned to keep_last; listed (3) and initial (0) are kept
        assertThat(entries.stream().map(e -> e.info().epoch()).toList()).contains(0, 3, stoppedAt);
        assertThat(entries.stream().filter(e -> e.info().rollingOnly()).count()).isLessThanOrEqualTo(2);
    }

    @Test void corruptZipIsRefusedAndNothingChanges() throws IOException {
        Path run = copyRun();
        Path zip = Checkpoints.modelFile(run, stoppedAt);
        byte[] bytes = Files.readAllBytes(zip);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(zip, bytes);
        Map<Path, byte[]> before = snapshot(run);
        assertThatThrownBy(() -> RunResumer.resume(run, null, new ProgressReporter(false, System.err)))
                .isInstanceOf(org.marginmax.run.ResumeException.class)
                .hasMessageContaining(String.format("epoch-%06d.zip", stoppedAt)).hasMessageContaining("corrupt");
        assertUnchanged(run, before);
        assertThat(Main.run("resume", run.toString())).isEqualTo(2);
        assertUnchanged(run, before);
    }

    @Test void checkpointOfAnotherArchitectureIsRefused() throws Exception {
        Path run = copyRun();
        Path other = dir.resolve("other");
        Path otherCfg = Files.writeString(dir.resolve("tiny-mnist.yaml"),
                Files.readString(cfg).replace("hidden: [64]", "hidden: [32]").replace("epochs: " + EPOCHS, "epochs: 1"));
        assertThat(Main.run("train", otherCfg.toString(), "--run-dir", other.toString())).isEqualTo(0);
        Path zip = Checkpoints.modelFile(run, stoppedAt);
        Files.copy(Checkpoints.modelFile(other, 1), zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // make the sidecar vouch for the foreign zip, so that only the architecture check can catch it
        Path side = Checkpoints.stateFile(run, stoppedAt);
        CheckpointState st = org.marginmax.io.Json.MAPPER.readValue(side.toFile(), CheckpointState.class);
        String json = Files.readString(side).replace(st.modelSha256(), org.marginmax.data.Sha256.ofFile(zip));
        Files.writeString(side, json);
        Map<Path, byte[]> before = snapshot(run);
        assertThatThrownBy(() -> RunResumer.resume(run, null, new ProgressReporter(false, System.err)))
                .isInstanceOf(org.marginmax.run.ResumeException.class)
                .hasMessageContaining(String.format("epoch-%06d.zip", stoppedAt)).hasMessageContaining("another architecture");
        assertUnchanged(run, before);
    }

    @Test void editedConfigIsRefused() throws IOException {
        Path run = copyRun();
        Path c = run.resolve(RunDirectory.CONFIG);
        Files.writeString(c, Files.readString(c).replace("batch_size: 100", "batch_size: 50"));
        Map<Path, byte[]> before = snapshot(run);
        assertThatThrownBy(() -> RunResumer.resume(run, null, new ProgressReporter(false, System.err)))
                .isInstanceOf(org.marginmax.run.ResumeException.class)
                .hasMessageContaining("config.yaml").hasMessageContaining("edited");
        assertUnchanged(run, before);
    }

    @Test void tornWritesAreIgnoredAndResumeFinishesTheRun() throws Exception {
        Path run = copyRun();
        // a kill during a checkpoint leaves a temp file, or a zip whose sidecar was never renamed into place
        int next = stoppedAt + 1;
        Files.write(Checkpoints.dir(run).resolve(String.format(".epoch-%06d.zip.tmp", next)), new byte[]{1, 2, 3});
        Files.write(Checkpoints.modelFile(run, next), new byte[]{4, 5, 6});
        // and a torn last metrics line
        Files.writeString(run.resolve(MetricsLog.CSV), next + ",-3.1,", java.nio.file.StandardOpenOption.APPEND);
        Trainer.Result r = RunResumer.resume(run, null, new ProgressReporter(false, System.err));
        assertThat(r.completed()).isTrue();
        assertThat(r.epochs()).isEqualTo(EPOCHS);
        List<List<String>> rows = RunFixtures.csv(run);
        assertThat(rows).hasSize(1 + EPOCHS + 1);
        for (int e = 0; e <= EPOCHS; e++) assertThat(rows.get(1 + e).get(0)).isEqualTo(String.valueOf(e));
        assertThat(Files.exists(run.resolve(RunDirectory.MODEL))).isTrue();
        assertThat(ConfigLoader.hash(ConfigLoader.bind("x", Files.readString(run.resolve(RunDirectory.CONFIG)))))
                .isEqualTo(Checkpoints.list(run, new ArrayList<>()).get(0).info().configSha256());
    }
}
