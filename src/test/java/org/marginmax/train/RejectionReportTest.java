package org.marginmax.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.ModelZip;
import org.marginmax.run.RollbackLog;
import org.marginmax.run.RunDirectory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console shows one line per accepted epoch, each saying how many attempts were rejected and why; rollbacks.csv
 * keeps one row per rejection; every model zip says what made it.
 */
class RejectionReportTest {
    private static final Pattern REJECTED = Pattern.compile("\\((\\d+) rejected: ([^)]*)\\)");

    @TempDir Path dir;

    @Test void oneLinePerAcceptedEpochWithItsRejections() throws Exception {
        Path yaml = RunFixtures.writeConfig(dir, 8, 500);
        // start far above the stability edge, so that the schedule must reject attempts
        ExperimentConfig cfg = ConfigLoader.load(yaml, List.of("train.lr.lr=20"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path runDir = dir.resolve("run");
        Trainer.Result r = Trainer.forConfig(cfg, null, RunDirectory.create(runDir),
                new ProgressReporter(true, new PrintStream(console, true, StandardCharsets.UTF_8))).run();
        assertThat(r.completed()).as(String.valueOf(r.stopReason())).isTrue();

        String[] lines = console.toString(StandardCharsets.UTF_8).split("\r\033\\[K");
        List<String> epochLines = java.util.Arrays.stream(lines).map(String::strip).filter(l -> l.startsWith("epoch ")).toList();
        assertThat(epochLines).as("one line per accepted epoch, epoch 0 included").hasSize(9);
        int shown = 0;
        for (String l : epochLines) {
            Matcher m = REJECTED.matcher(l);
            if (!m.find()) continue;
            int n = Integer.parseInt(m.group(1));
            int sum = 0;
            for (String part : m.group(2).split(", ")) sum += Integer.parseInt(part.split(" ", 2)[0]);
            assertThat(sum).as("causes add up in: " + l).isEqualTo(n);
            shown += n;
        }
        int rollbacks = ((Number) r.lastRow().get("rollbacks")).intValue();
        assertThat(rollbacks).as("rejected attempts at lr 20").isPositive();
        assertThat(shown).isEqualTo(rollbacks);

        List<String> csv = Files.readAllLines(runDir.resolve(RollbackLog.CSV));
        assertThat(csv.get(0)).isEqualTo("epoch,attempt,cause,detail,frame_lr,next_frame_lr");
        assertThat(csv).hasSize(rollbacks + 1);
        assertThat(csv.subList(1, csv.size())).allMatch(l -> l.split(",")[2]
                .matches("batch-loss-nan|batch-loss-high|loss-nan|loss-rose"));

        var inZip = ModelZip.provenance(Checkpoints.modelFile(runDir, 3)).orElseThrow();
        assertThat(inZip.path("checkpoint").path("epoch").asInt()).isEqualTo(3);
        assertThat(inZip.path("config_sha256").asText()).isEqualTo(ConfigLoader.hash(cfg));
        assertThat(inZip.path("data").path("sha256").asText()).hasSize(64);
        assertThat(inZip.path("code").path("git_commit").asText()).isNotBlank();
        assertThat(inZip.path("environment").path("backend").asText()).startsWith("CPU");
    }
}
